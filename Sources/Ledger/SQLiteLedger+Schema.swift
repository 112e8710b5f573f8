import GRDB

extension SQLiteLedger {
    /// The schema, one migration per change; never edit a migration that has shipped.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: projects, resources, events, deployments, ports, locks") { db in
            // Times are seconds since 1970 (REAL): exact enough for ordering, cheap to compare.
            try db.execute(sql: """
                CREATE TABLE project (
                    guid TEXT PRIMARY KEY NOT NULL,
                    userId TEXT NOT NULL,
                    name TEXT NOT NULL,
                    registered INTEGER NOT NULL DEFAULT 0,
                    createdAt REAL NOT NULL,
                    updatedAt REAL NOT NULL,
                    lastSequence INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX project_user ON project(userId);
                CREATE TABLE resource (
                    guid TEXT PRIMARY KEY NOT NULL REFERENCES project(guid) ON DELETE CASCADE,
                    awsResources TEXT NOT NULL,
                    createdAt REAL NOT NULL,
                    updatedAt REAL NOT NULL
                );
                CREATE TABLE event (
                    id INTEGER PRIMARY KEY,
                    guid TEXT NOT NULL REFERENCES project(guid) ON DELETE CASCADE,
                    sequence INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    message TEXT,
                    data TEXT,
                    receivedAt REAL NOT NULL,
                    UNIQUE (guid, sequence)
                );
                CREATE TABLE deployment (
                    id TEXT PRIMARY KEY NOT NULL,
                    projectId TEXT NOT NULL,
                    name TEXT NOT NULL,
                    target TEXT NOT NULL,
                    status TEXT NOT NULL,
                    imageTag TEXT,
                    "commit" TEXT,
                    port INTEGER,
                    url TEXT,
                    startedAt REAL NOT NULL,
                    finishedAt REAL,
                    error TEXT,
                    logExcerpt TEXT,
                    rollbackOf TEXT,
                    ownerPID INTEGER
                );
                CREATE INDEX deployment_project ON deployment(projectId, startedAt);
                CREATE INDEX deployment_started ON deployment(startedAt);
                CREATE TABLE portAllocation (
                    port INTEGER PRIMARY KEY NOT NULL,
                    deploymentId TEXT NOT NULL UNIQUE,
                    projectId TEXT NOT NULL,
                    allocatedAt REAL NOT NULL
                );
                CREATE TABLE deployLock (
                    projectId TEXT PRIMARY KEY NOT NULL,
                    deploymentId TEXT NOT NULL,
                    holder TEXT NOT NULL,
                    since REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2: deployment taskDefinition and imageDigest") { db in
            // Added columns are NULL in rows written before: nothing to rewrite.
            try db.execute(sql: """
                ALTER TABLE deployment ADD COLUMN taskDefinition TEXT;
                ALTER TABLE deployment ADD COLUMN imageDigest TEXT;
                """)
        }
        // Rows written before have no environment: they belong to the default one (production).
        migrator.registerMigration("v3: deployment source, commitSubject, dirty and environment") { db in
            try db.execute(sql: """
                ALTER TABLE deployment ADD COLUMN source TEXT;
                ALTER TABLE deployment ADD COLUMN commitSubject TEXT;
                ALTER TABLE deployment ADD COLUMN dirty INTEGER;
                ALTER TABLE deployment ADD COLUMN environment TEXT;
                """)
        }
        return migrator
    }
}
