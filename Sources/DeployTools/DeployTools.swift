// The DeployTools module. See Package.swift for what it is for.
enum DeployToolsModule {}
