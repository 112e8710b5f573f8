// The LogTriage module. See Package.swift for what it is for.
enum LogTriageModule {}
