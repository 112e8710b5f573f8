// The Agent module. See Package.swift for what it is for.
enum AgentModule {}
