// The TestSupport module. See Package.swift for what it is for.
enum TestSupportModule {}
