// `swift run verify`: proves the specification's invariants with Z3. See VerifyCommand.swift.
VerifyCommand.main()
