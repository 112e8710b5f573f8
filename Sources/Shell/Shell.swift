// The Shell module. See Package.swift for what it is for.
enum ShellModule {}
