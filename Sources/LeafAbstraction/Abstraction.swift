// The abstraction function lands with the specification (issue 3).
import LeafCore
import Specs
