/// A string that equals another only when their UTF-8 bytes do, as SQLite and DynamoDB compare keys.
///
/// Swift's `String` equality and hashing are canonical equivalence: `"caf\u{E9}"` and `"cafe\u{301}"`
/// would share one entry of a `[String: ...]`, while the database holds two rows. Every in-memory map
/// keyed by a guid or a resource name uses this instead.
struct ByteKey: Hashable, Sendable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    static func == (lhs: ByteKey, rhs: ByteKey) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
