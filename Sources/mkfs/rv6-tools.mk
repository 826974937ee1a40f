# Rv6's disk-image tools from the command line: mkfs makes an image of sample files, fsck finds
# it clean (exit 0), and a corrupted copy makes fsck list the problem and exit 1.
.PHONY: rv6-image-tools
rv6-image-tools:
	@mkdir -p $(OUT)/rv6-tools
	@printf 'Rv6 sample file\n' > $(OUT)/rv6-tools/README
	@head -c 70000 /dev/zero | tr '\0' 'x' > $(OUT)/rv6-tools/_large
	$(SWIFT) run mkfs $(OUT)/rv6-tools/test.img $(OUT)/rv6-tools/README $(OUT)/rv6-tools/_large
	$(SWIFT) run fsck $(OUT)/rv6-tools/test.img
	@cp $(OUT)/rv6-tools/test.img $(OUT)/rv6-tools/bad.img
	@printf '\005' | dd of=$(OUT)/rv6-tools/bad.img bs=1 seek=$$((32 * 1024 + 2 * 64 + 6)) conv=notrunc status=none
	@if $(SWIFT) run fsck $(OUT)/rv6-tools/bad.img > $(OUT)/rv6-tools/bad.txt; then \
		echo "fsck passed a corrupted image"; exit 1; fi
	@grep -q "inode 2: 5 links, but 1 names refer to it" $(OUT)/rv6-tools/bad.txt && cat $(OUT)/rv6-tools/bad.txt
	@if $(SWIFT) run mkfs $(OUT)/rv6-tools/x.img --size 10 > $(OUT)/rv6-tools/small.txt; then \
		echo "mkfs made a 10-block file system"; exit 1; fi
	@cat $(OUT)/rv6-tools/small.txt

TEST_STEPS += rv6-image-tools
