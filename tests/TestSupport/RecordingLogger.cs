using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TestSupport;

/// <summary>
/// Keeps what was logged at <paramref name="minimum"/> or above, from any thread, so a test can read it: the
/// messages and their templates, and the errors (an expected disconnect is Debug, a server fault Error).
/// </summary>
public sealed class RecordingLogger(LogLevel minimum = LogLevel.Trace) : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>What was logged so far, oldest first.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>The entries at Error or above, each as level, message and exception.</summary>
    public IEnumerable<string> Errors =>
        _entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Level}: {e.Message} {e.Exception}");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var template = state is IReadOnlyList<KeyValuePair<string, object?>> fields
            ? fields.FirstOrDefault(f => f.Key == "{OriginalFormat}").Value as string ?? ""
            : "";
        _entries.Enqueue(new LogEntry(logLevel, eventId, template, formatter(state, exception), exception));
    }
}
