import AsyncHTTPClient
import Foundation

extension AWSService {
    public static let ec2 = AWSService(signingName: "ec2", endpointPrefix: "ec2", environmentName: "EC2")
}

/// The EC2 calls a Fargate service needs: the default VPC, its subnets, and a security group.
public struct EC2Client: Sendable {
    public var client: AWSQueryClient

    public init(transport: AWSServiceClient) {
        self.client = AWSQueryClient(transport: transport, version: "2016-11-15")
    }

    public static func fromEnvironment(
        region: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment, httpClient: HTTPClient = .shared
    ) throws -> EC2Client {
        EC2Client(transport: try AWSServiceClient.fromEnvironment(.ec2, displayName: "EC2", region: region, environment: environment, httpClient: httpClient))
    }

    public struct SecurityGroup: Sendable, Equatable {
        public var id: String
        public var name: String
        public var vpcId: String?
        public var tags: [String: String]
    }

    /// The region's default VPC id, nil when the account has none.
    public func defaultVPC() async throws -> String? {
        let answer = try await client.call("DescribeVpcs", Self.filters(["isDefault": ["true"]]))
        return answer.items(of: "vpcSet").first?["vpcId"]
    }

    /// The subnet ids of `vpc`, sorted; only the default-for-AZ ones when the VPC has them.
    public func subnets(vpc: String) async throws -> [String] {
        let answer = try await client.call("DescribeSubnets", Self.filters(["vpc-id": [vpc]]))
        let items = answer.items(of: "subnetSet")
        let defaults = items.filter { $0["defaultForAz"] == "true" }
        return (defaults.isEmpty ? items : defaults).compactMap { $0["subnetId"] }.sorted()
    }

    /// The security group named `name` in `vpc`, nil when there is none.
    public func securityGroup(named name: String, vpc: String) async throws -> SecurityGroup? {
        let answer = try await client.call("DescribeSecurityGroups", Self.filters(["group-name": [name], "vpc-id": [vpc]]))
        return answer.items(of: "securityGroupInfo").first.map(Self.securityGroup)
    }

    /// Creates a security group tagged `tags`; returns its id.
    public func createSecurityGroup(name: String, description: String, vpc: String, tags: [String: String]) async throws -> String {
        var parameters = [("GroupName", name), ("GroupDescription", description), ("VpcId", vpc)]
        if !tags.isEmpty {
            parameters.append(("TagSpecification.1.ResourceType", "security-group"))
            for (index, (key, value)) in tags.sorted(by: { $0.key < $1.key }).enumerated() {
                parameters += [("TagSpecification.1.Tag.\(index + 1).Key", key), ("TagSpecification.1.Tag.\(index + 1).Value", value)]
            }
        }
        let answer = try await client.call("CreateSecurityGroup", parameters)
        guard let id = answer["groupId"] else {
            throw AWSError(.invalidResponse, "CreateSecurityGroup answered without a groupId", operation: "EC2 CreateSecurityGroup")
        }
        return id
    }

    /// Opens TCP `port` to the world (IPv4); a rule that exists already is fine.
    public func allowIngress(group: String, port: Int) async throws {
        do {
            try await client.call("AuthorizeSecurityGroupIngress", [
                ("GroupId", group), ("IpPermissions.1.IpProtocol", "tcp"), ("IpPermissions.1.FromPort", String(port)),
                ("IpPermissions.1.ToPort", String(port)), ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
            ])
        } catch let error as AWSError where error.type == "InvalidPermission.Duplicate" {
            return
        }
    }

    /// Closes TCP `port` (opened to the world by `allowIngress`).
    public func revokeIngress(group: String, port: Int) async throws {
        try await client.call("RevokeSecurityGroupIngress", [
            ("GroupId", group), ("IpPermissions.1.IpProtocol", "tcp"), ("IpPermissions.1.FromPort", String(port)),
            ("IpPermissions.1.ToPort", String(port)), ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
        ])
    }

    /// The TCP ports `group` opens to anyone, sorted.
    public func ingressPorts(group: String) async throws -> [Int] {
        let answer = try await client.call("DescribeSecurityGroups", [("GroupId.1", group)])
        guard let info = answer.items(of: "securityGroupInfo").first else { return [] }
        return info.items(of: "ipPermissions").compactMap { $0["fromPort"].flatMap(Int.init) }.sorted()
    }

    /// The public IPv4 address of a network interface, nil when it has none.
    public func publicIP(networkInterface: String) async throws -> String? {
        let answer = try await client.call("DescribeNetworkInterfaces", [("NetworkInterfaceId.1", networkInterface)])
        return answer.items(of: "networkInterfaceSet").first?.child("association")?["publicIp"]
    }

    public func deleteSecurityGroup(id: String) async throws {
        try await client.call("DeleteSecurityGroup", [("GroupId", id)])
    }

    /// `Filter.N.Name` / `Filter.N.Value.M` parameters, in a stable order.
    static func filters(_ filters: [String: [String]]) -> [(String, String)] {
        var parameters: [(String, String)] = []
        for (index, (name, values)) in filters.sorted(by: { $0.key < $1.key }).enumerated() {
            parameters.append(("Filter.\(index + 1).Name", name))
            for (valueIndex, value) in values.enumerated() { parameters.append(("Filter.\(index + 1).Value.\(valueIndex + 1)", value)) }
        }
        return parameters
    }

    static func securityGroup(_ item: XMLTree) -> SecurityGroup {
        var tags: [String: String] = [:]
        for tag in item.items(of: "tagSet") {
            if let key = tag["key"] { tags[key] = tag["value"] ?? "" }
        }
        return SecurityGroup(id: item["groupId"] ?? "", name: item["groupName"] ?? "", vpcId: item["vpcId"], tags: tags)
    }
}
