using Microsoft.Extensions.Logging;

namespace SharedList.Tests.Support;

/// <summary>Keeps every entry (its template and formatted text) so tests can read what was logged.</summary>
internal sealed class RecordingLogger(LogLevel minimum) : ILogger
{
    public List<(LogLevel Level, string Template, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var template = state is IReadOnlyList<KeyValuePair<string, object?>> fields
            ? fields.FirstOrDefault(f => f.Key == "{OriginalFormat}").Value as string ?? ""
            : "";
        Entries.Add((logLevel, template, formatter(state, exception)));
    }
}
