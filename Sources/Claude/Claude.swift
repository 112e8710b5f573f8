// The Claude module. See Package.swift for what it is for.
enum ClaudeModule {}
