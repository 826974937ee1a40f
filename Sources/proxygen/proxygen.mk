# proxygen: the committed proxies in Sources/LeafProxies must be what the interfaces generate.
.PHONY: proxygen-check
proxygen-check:
	$(SWIFT) run proxygen --check

TEST_STEPS += proxygen-check

# The domains in Sources/Domains must keep to the rules of `proxygen --explain --audit-domain`.
.PHONY: domain-audit
domain-audit:
	$(SWIFT) run proxygen --audit-domain Sources/Domains

TEST_STEPS += domain-audit
