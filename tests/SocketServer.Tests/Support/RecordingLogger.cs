using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SocketServer.Tests.Support;

/// <summary>Keeps what a server logged, so a test can tell an expected disconnect (Debug) from a server error.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> _entries = new();

    public IEnumerable<string> Errors =>
        _entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Level}: {e.Message} {e.Exception}");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => _entries.Enqueue((logLevel, formatter(state, exception), exception));
}
