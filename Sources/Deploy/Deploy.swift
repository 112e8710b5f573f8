// The Deploy module. See Package.swift for what it is for.
enum DeployModule {}
