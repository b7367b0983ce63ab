"""Memory: a tool held in memory, for tests and benchmarks (no HTTP, not a configurable source)."""

from connectors.errors import RemoteNotFound
from connectors.memory.connector import MemoryConnector, MemoryPublisher
from connectors.memory.workspace import Fault, MemoryWorkspace

__all__ = ["Fault", "MemoryConnector", "MemoryPublisher", "MemoryWorkspace", "RemoteNotFound"]
