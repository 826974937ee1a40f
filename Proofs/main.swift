print("verify: not yet implemented")
