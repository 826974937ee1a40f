# proxygen: the committed proxies in Sources/LeafProxies must be what the interfaces generate.
.PHONY: proxygen-check
proxygen-check:
	$(SWIFT) run proxygen --check

TEST_STEPS += proxygen-check
