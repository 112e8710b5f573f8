import Foundation
import JSON

extension ECSClient {
    public struct Service: Sendable, Equatable {
        public var name: String
        public var arn: String
        public var status: String
        public var taskDefinition: String?
        public var desiredCount: Int
        public var runningCount: Int
        public var pendingCount: Int
        /// Rollouts still under way (more than one means a deployment is in progress).
        public var deploymentCount: Int
        /// Newest first, as ECS lists them: the PRIMARY one and those it replaces.
        public var deployments: [Deployment]
        /// Newest first, as ECS lists them.
        public var events: [ServiceEvent]

        public init(_ json: JSONValue) {
            name = json["serviceName"]?.stringValue ?? ""
            arn = json["serviceArn"]?.stringValue ?? ""
            status = json["status"]?.stringValue ?? ""
            taskDefinition = json["taskDefinition"]?.stringValue
            desiredCount = json["desiredCount"]?.intValue ?? 0
            runningCount = json["runningCount"]?.intValue ?? 0
            pendingCount = json["pendingCount"]?.intValue ?? 0
            deployments = (json["deployments"]?.arrayValue ?? []).map { Deployment($0) }
            deploymentCount = deployments.count
            events = (json["events"]?.arrayValue ?? []).map { ServiceEvent($0) }
        }

        /// The deployment ECS is putting live (status PRIMARY).
        public var primaryDeployment: Deployment? {
            deployments.first { $0.status == "PRIMARY" }
        }
    }

    /// One rollout of a service to a task definition.
    public struct Deployment: Sendable, Equatable {
        /// `ecs-svc/1234567890123456789`; the tasks it starts carry it as `startedBy`.
        public var id: String
        /// PRIMARY, ACTIVE (being replaced) or INACTIVE.
        public var status: String
        public var taskDefinition: String
        public var desiredCount: Int
        public var runningCount: Int
        public var pendingCount: Int
        public var failedTasks: Int
        /// IN_PROGRESS, COMPLETED or FAILED.
        public var rolloutState: String?
        public var rolloutStateReason: String?
        public var createdAt: Date?

        public init(_ json: JSONValue) {
            id = json["id"]?.stringValue ?? ""
            status = json["status"]?.stringValue ?? ""
            taskDefinition = json["taskDefinition"]?.stringValue ?? ""
            desiredCount = json["desiredCount"]?.intValue ?? 0
            runningCount = json["runningCount"]?.intValue ?? 0
            pendingCount = json["pendingCount"]?.intValue ?? 0
            failedTasks = json["failedTasks"]?.intValue ?? 0
            rolloutState = json["rolloutState"]?.stringValue
            rolloutStateReason = json["rolloutStateReason"]?.stringValue
            createdAt = json["createdAt"]?.doubleValue.map(Date.init(timeIntervalSince1970:))
        }
    }

    public struct ServiceEvent: Sendable, Equatable {
        public var id: String
        public var createdAt: Date
        public var message: String

        public init(_ json: JSONValue) {
            id = json["id"]?.stringValue ?? ""
            createdAt = Date(timeIntervalSince1970: json["createdAt"]?.doubleValue ?? 0)
            message = json["message"]?.stringValue ?? ""
        }
    }

    public struct Task: Sendable, Equatable {
        public var arn: String
        public var taskDefinition: String
        public var lastStatus: String
        public var desiredStatus: String
        /// The deployment id that started it (for service tasks).
        public var startedBy: String?
        public var stopCode: String?
        public var stoppedReason: String?
        public var stoppedAt: Date?
        public var containers: [Container]
        /// The elastic network interface of an awsvpc task, once it has one.
        public var networkInterfaceId: String?

        /// The task id: the last part of its ARN, and of its awslogs stream name.
        public var id: String { arn.split(separator: "/").last.map(String.init) ?? arn }

        public init(_ json: JSONValue) {
            arn = json["taskArn"]?.stringValue ?? ""
            taskDefinition = json["taskDefinitionArn"]?.stringValue ?? ""
            lastStatus = json["lastStatus"]?.stringValue ?? ""
            desiredStatus = json["desiredStatus"]?.stringValue ?? ""
            startedBy = json["startedBy"]?.stringValue
            stopCode = json["stopCode"]?.stringValue
            stoppedReason = json["stoppedReason"]?.stringValue
            stoppedAt = json["stoppedAt"]?.doubleValue.map(Date.init(timeIntervalSince1970:))
            containers = (json["containers"]?.arrayValue ?? []).map { Container($0) }
            let eni = (json["attachments"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "ElasticNetworkInterface" }
            networkInterfaceId = (eni?["details"]?.arrayValue ?? []).first { $0["name"]?.stringValue == "networkInterfaceId" }?["value"]?.stringValue
        }
    }

    public struct Container: Sendable, Equatable {
        public var name: String
        public var lastStatus: String?
        public var exitCode: Int?
        public var reason: String?

        public init(_ json: JSONValue) {
            name = json["name"]?.stringValue ?? ""
            lastStatus = json["lastStatus"]?.stringValue
            exitCode = json["exitCode"]?.intValue
            reason = json["reason"]?.stringValue
        }
    }

    /// A registered task definition: what a rollback reads back when nothing else kept it.
    public struct TaskDefinition: Sendable, Equatable {
        public var arn: String
        public var family: String
        public var revision: Int
        /// ACTIVE, or INACTIVE once deregistered (a service cannot be pointed at it any more).
        public var status: String
        public var cpu: Int?
        public var memory: Int?
        public var executionRoleArn: String?
        public var containers: [ContainerDefinition]

        public struct ContainerDefinition: Sendable, Equatable {
            public var name: String
            public var image: String
            public var ports: [Int]
            public var environment: [String: String]
            /// Variable name to the Secrets Manager or SSM ARN it is read from.
            public var secrets: [String: String]
        }

        init(_ json: JSONValue) {
            arn = json["taskDefinitionArn"]?.stringValue ?? ""
            family = json["family"]?.stringValue ?? ""
            revision = json["revision"]?.intValue ?? ECSClient.revisionNumber(arn)
            status = json["status"]?.stringValue ?? "ACTIVE"
            cpu = json["cpu"]?.stringValue.flatMap { Int($0) } ?? json["cpu"]?.intValue
            memory = json["memory"]?.stringValue.flatMap { Int($0) } ?? json["memory"]?.intValue
            executionRoleArn = json["executionRoleArn"]?.stringValue
            containers = (json["containerDefinitions"]?.arrayValue ?? []).map { container in
                func pairs(_ key: String, _ value: String) -> [String: String] {
                    var result: [String: String] = [:]
                    for item in container[key]?.arrayValue ?? [] {
                        if let name = item["name"]?.stringValue, let text = item[value]?.stringValue { result[name] = text }
                    }
                    return result
                }
                return ContainerDefinition(
                    name: container["name"]?.stringValue ?? "", image: container["image"]?.stringValue ?? "",
                    ports: (container["portMappings"]?.arrayValue ?? []).compactMap { $0["containerPort"]?.intValue },
                    environment: pairs("environment", "value"), secrets: pairs("secrets", "valueFrom"))
            }
        }
    }

    /// What a task definition is registered with.
    public struct TaskDefinitionInput: Sendable, Equatable {
        public var family: String
        public var cpu: Int
        public var memory: Int
        public var executionRoleArn: String
        public var taskRoleArn: String?
        public var containerName: String
        public var image: String
        public var port: Int
        public var environment: [String: String]
        /// Environment variable name to a Secrets Manager secret or SSM parameter ARN: only the reference is sent.
        public var secrets: [String: String]
        public var logGroup: String
        public var logRegion: String
        public var logStreamPrefix: String
        public var tags: [String: String]

        public init(
            family: String, cpu: Int, memory: Int, executionRoleArn: String, taskRoleArn: String? = nil, containerName: String, image: String,
            port: Int, environment: [String: String], secrets: [String: String], logGroup: String, logRegion: String, logStreamPrefix: String,
            tags: [String: String]
        ) {
            self.family = family
            self.cpu = cpu
            self.memory = memory
            self.executionRoleArn = executionRoleArn
            self.taskRoleArn = taskRoleArn
            self.containerName = containerName
            self.image = image
            self.port = port
            self.environment = environment
            self.secrets = secrets
            self.logGroup = logGroup
            self.logRegion = logRegion
            self.logStreamPrefix = logStreamPrefix
            self.tags = tags
        }

        /// The RegisterTaskDefinition request body.
        public var json: JSONValue {
            var container: [String: JSONValue] = [
                "name": .string(containerName),
                "image": .string(image),
                "essential": true,
                "portMappings": [["containerPort": .number(Double(port)), "protocol": "tcp"]],
                "environment": .array(environment.sorted { $0.key < $1.key }.map { ["name": .string($0.key), "value": .string($0.value)] }),
                "logConfiguration": [
                    "logDriver": "awslogs",
                    "options": [
                        "awslogs-group": .string(logGroup), "awslogs-region": .string(logRegion), "awslogs-stream-prefix": .string(logStreamPrefix),
                    ],
                ],
            ]
            if !secrets.isEmpty {
                container["secrets"] = .array(secrets.sorted { $0.key < $1.key }.map { ["name": .string($0.key), "valueFrom": .string($0.value)] })
            }
            var input: [String: JSONValue] = [
                "family": .string(family),
                "requiresCompatibilities": ["FARGATE"],
                "networkMode": "awsvpc",
                "cpu": .string(String(cpu)),
                "memory": .string(String(memory)),
                "executionRoleArn": .string(executionRoleArn),
                "containerDefinitions": [.object(container)],
            ]
            if let taskRoleArn { input["taskRoleArn"] = .string(taskRoleArn) }
            if !tags.isEmpty { input["tags"] = ECSClient.tagList(tags) }
            return .object(input)
        }
    }

    /// What a Fargate service is created with.
    public struct ServiceInput: Sendable, Equatable {
        public var cluster: String
        public var name: String
        public var taskDefinition: String
        public var desiredCount: Int
        public var subnets: [String]
        public var securityGroups: [String]
        public var assignPublicIP: Bool
        public var tags: [String: String]

        public init(cluster: String, name: String, taskDefinition: String, desiredCount: Int, subnets: [String], securityGroups: [String], assignPublicIP: Bool = true, tags: [String: String]) {
            self.cluster = cluster
            self.name = name
            self.taskDefinition = taskDefinition
            self.desiredCount = desiredCount
            self.subnets = subnets
            self.securityGroups = securityGroups
            self.assignPublicIP = assignPublicIP
            self.tags = tags
        }

        /// The CreateService request body: Fargate, rolling with the circuit breaker rolling back.
        public var json: JSONValue {
            var input: [String: JSONValue] = [
                "cluster": .string(cluster),
                "serviceName": .string(name),
                "taskDefinition": .string(taskDefinition),
                "desiredCount": .number(Double(desiredCount)),
                "launchType": "FARGATE",
                "networkConfiguration": [
                    "awsvpcConfiguration": [
                        "subnets": .array(subnets.map(JSONValue.string)),
                        "securityGroups": .array(securityGroups.map(JSONValue.string)),
                        "assignPublicIp": .string(assignPublicIP ? "ENABLED" : "DISABLED"),
                    ],
                ],
                "deploymentConfiguration": ECSClient.rollingWithCircuitBreaker,
                "propagateTags": "SERVICE",
            ]
            if !tags.isEmpty { input["tags"] = ECSClient.tagList(tags) }
            return .object(input)
        }
    }

    /// Rolling updates that keep the old tasks until the new ones run, and roll back when they cannot start.
    public static let rollingWithCircuitBreaker: JSONValue = [
        "deploymentCircuitBreaker": ["enable": true, "rollback": true],
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    ]

    static func tagList(_ tags: [String: String]) -> JSONValue {
        .array(tags.sorted { $0.key < $1.key }.map { ["key": .string($0.key), "value": .string($0.value)] })
    }
}
