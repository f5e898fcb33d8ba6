using Microsoft.Extensions.Logging;

namespace TestSupport;

/// <summary>One entry a <see cref="RecordingLogger"/> kept: its event, its message template and the formatted text.</summary>
public sealed record LogEntry(LogLevel Level, EventId EventId, string Template, string Message, Exception? Exception);
