"""The sampling engine: a sampler thread that reads the stacks of the threads serving
requests and attributes each sample to its request (threads and asyncio tasks alike),
so that every request of a server is profiled at once, with real stacks.

sampler.py samples, frames.py reads stacks, stack_table.py keeps one request's stacks.
"""

from .sampler import Recording, Sampler, SamplingResult, shared_sampler
from .stack_table import SampledTables, StackTable

__all__ = ["Recording", "Sampler", "SamplingResult", "SampledTables", "StackTable", "shared_sampler"]
