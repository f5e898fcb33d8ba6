namespace SharedList.Bench.Measurement;

/// <summary>One reading of a process's resident memory, in bytes, from <c>/proc/PID/status</c>.</summary>
/// <param name="RssBytes"><c>VmRSS</c>: every resident page, the process's heap and stacks and its mapped files alike.</param>
/// <param name="AnonBytes"><c>RssAnon</c>: the anonymous part (heaps, stacks), without mapped files; null when the kernel does not report it.</param>
public sealed record MemoryReading(long RssBytes, long? AnonBytes);
