/// A Fargate task size: CPU units and memory in MiB, only in the pairs Fargate accepts.
public struct FargateSize: Sendable, Equatable, Codable {
    public var cpu: Int
    public var memory: Int

    public init(cpu: Int, memory: Int) {
        self.cpu = cpu
        self.memory = memory
    }

    /// The smallest size: a quarter vCPU and 512 MiB.
    public static let smallest = FargateSize(cpu: 256, memory: 512)

    /// The memory sizes Fargate allows with each CPU size.
    public static let allowedMemory: [Int: [Int]] = [
        256: [512, 1024, 2048],
        512: Array(stride(from: 1024, through: 4096, by: 1024)),
        1024: Array(stride(from: 2048, through: 8192, by: 1024)),
        2048: Array(stride(from: 4096, through: 16384, by: 1024)),
        4096: Array(stride(from: 8192, through: 30720, by: 1024)),
        8192: Array(stride(from: 16384, through: 61440, by: 4096)),
        16384: Array(stride(from: 32768, through: 122880, by: 8192)),
    ]

    public var isValid: Bool {
        Self.allowedMemory[cpu]?.contains(memory) ?? false
    }

    /// Why the pair is refused and what would be accepted; nil when it is valid.
    public var problem: String? {
        guard !isValid else { return nil }
        guard let memories = Self.allowedMemory[cpu] else {
            return "Fargate has no \(cpu) CPU size; use one of \(Self.allowedMemory.keys.sorted().map(String.init).joined(separator: ", "))"
        }
        return "Fargate does not run \(cpu) CPU with \(memory) MiB; with \(cpu) CPU use \(memories.first!)-\(memories.last!) MiB"
            + (memories.count > 3 ? " in steps of \(memories[1] - memories[0])" : " (\(memories.map(String.init).joined(separator: ", ")))")
    }
}
