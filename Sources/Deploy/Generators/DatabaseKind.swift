import Foundation

/// A database the compose file can run beside the app.
public enum DatabaseKind: String, Sendable, Codable, CaseIterable {
    case postgres, mysql, mongodb, redis

    /// The compose service name the app reaches it by.
    var service: String { self == .redis ? "redis" : "db" }

    var image: String {
        switch self {
        case .postgres: "postgres:16-alpine"
        case .mysql: "mysql:8.4"
        case .mongodb: "mongo:7"
        case .redis: "redis:7-alpine"
        }
    }

    var dataPath: String {
        switch self {
        case .postgres: "/var/lib/postgresql/data"
        case .mysql: "/var/lib/mysql"
        case .mongodb: "/data/db"
        case .redis: "/data"
        }
    }

    /// The compose `healthcheck.test`, as a YAML flow sequence.
    var healthcheck: String {
        switch self {
        case .postgres: #"["CMD-SHELL", "pg_isready -U app -d app"]"#
        case .mysql: #"["CMD-SHELL", "mysqladmin ping -h 127.0.0.1 -u app -p$${MYSQL_PASSWORD} --silent"]"#
        case .mongodb: #"["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping').ok"]"#
        case .redis: #"["CMD", "redis-cli", "ping"]"#
        }
    }

    /// The password, from the user's `DB_PASSWORD` when set, for compose to fill in.
    static let password = "${DB_PASSWORD:-deployotron}"

    var serverEnvironment: [(String, String)] {
        switch self {
        case .postgres: [("POSTGRES_USER", "app"), ("POSTGRES_PASSWORD", Self.password), ("POSTGRES_DB", "app")]
        case .mysql: [("MYSQL_DATABASE", "app"), ("MYSQL_USER", "app"), ("MYSQL_PASSWORD", Self.password), ("MYSQL_ROOT_PASSWORD", Self.password)]
        case .mongodb: [("MONGO_INITDB_ROOT_USERNAME", "app"), ("MONGO_INITDB_ROOT_PASSWORD", Self.password), ("MONGO_INITDB_DATABASE", "app")]
        case .redis: []
        }
    }

    /// What the app is told to reach it: DATABASE_URL, or the stack's own names for it.
    func appEnvironment(language: String, framework: String?) -> [(String, String)] {
        let password = Self.password
        switch (self, language, framework) {
        case (.redis, "java", _): return [("SPRING_DATA_REDIS_URL", "redis://redis:6379"), ("REDIS_URL", "redis://redis:6379")]
        case (.redis, "dotnet", _): return [("ConnectionStrings__Redis", "redis:6379")]
        case (.redis, "php", "laravel"): return [("REDIS_HOST", "redis"), ("REDIS_PORT", "6379")]
        case (.redis, _, _): return [("REDIS_URL", "redis://redis:6379")]
        case (.mongodb, "java", _): return [("SPRING_DATA_MONGODB_URI", "mongodb://app:\(password)@db:27017/app?authSource=admin")]
        case (.mongodb, "dotnet", _): return [("ConnectionStrings__MongoDb", "mongodb://app:\(password)@db:27017/app?authSource=admin")]
        case (.mongodb, _, _):
            let url = "mongodb://app:\(password)@db:27017/app?authSource=admin"
            return [("MONGODB_URI", url), ("DATABASE_URL", url)]
        case (.postgres, "java", _), (.mysql, "java", _):
            let jdbc = self == .postgres ? "jdbc:postgresql://db:5432/app" : "jdbc:mysql://db:3306/app"
            return [("SPRING_DATASOURCE_URL", jdbc), ("SPRING_DATASOURCE_USERNAME", "app"), ("SPRING_DATASOURCE_PASSWORD", password)]
        case (.postgres, "dotnet", _):
            return [("ConnectionStrings__DefaultConnection", "Host=db;Port=5432;Database=app;Username=app;Password=\(password)")]
        case (.mysql, "dotnet", _):
            return [("ConnectionStrings__DefaultConnection", "Server=db;Port=3306;Database=app;User=app;Password=\(password)")]
        case (.postgres, "php", "laravel"), (.mysql, "php", "laravel"):
            return [("DB_CONNECTION", self == .postgres ? "pgsql" : "mysql"), ("DB_HOST", "db"), ("DB_PORT", self == .postgres ? "5432" : "3306"),
                    ("DB_DATABASE", "app"), ("DB_USERNAME", "app"), ("DB_PASSWORD", password)]
        case (.postgres, _, _): return [("DATABASE_URL", "postgres://app:\(password)@db:5432/app")]
        case (.mysql, _, _): return [("DATABASE_URL", "mysql://app:\(password)@db:3306/app")]
        }
    }
}
