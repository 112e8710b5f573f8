// The AWS module. See Package.swift for what it is for.
enum AWSModule {}
