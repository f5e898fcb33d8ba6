using Microsoft.Extensions.Logging;

namespace TestSupport;

/// <summary>One entry a <see cref="RecordingLogger"/> kept: its message template and the formatted text.</summary>
public sealed record LogEntry(LogLevel Level, string Template, string Message, Exception? Exception);
