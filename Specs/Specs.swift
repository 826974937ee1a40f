/// Placeholder until the specification lands.
public enum Specs {}
