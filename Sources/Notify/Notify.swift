// The Notify module. See Package.swift for what it is for.
enum NotifyModule {}
