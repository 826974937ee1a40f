print("proxygen: not yet implemented")
