# After every source already there (files, systemd, ...): a local account
# always wins, and nothing Debian ships is dropped.
passwd last hcoop
group last hcoop
