using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SharedList.Cli;

/// <summary>
/// Turns <c>EXIT</c> (or <c>quit</c>) on stdin, SIGINT and SIGTERM into two tokens: the first request asks for a
/// graceful stop, a second one for an immediate one. A SIGTERM within <see cref="SameRequestWindow"/> of the first
/// request is that request again: <c>timeout</c> sends SIGTERM to the process and then to its group, so one stop
/// arrives twice. End of stdin is not a request: the server may run with no terminal.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    /// <summary>How close a repeated SIGTERM must follow the first request to count as the same one.</summary>
    public static readonly TimeSpan SameRequestWindow = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Lock _lock = new();
    private readonly Action<string> _onStop;
    private readonly Action<string> _onAbort;
    private readonly Action<string> _onIgnored;
    private readonly Action<string> _onUnknownCommand;
    private long _firstRequest;

    /// <param name="input">The server's stdin.</param>
    /// <param name="onStop">Told the name of the request that started the graceful stop.</param>
    /// <param name="onAbort">Told the name of the request that asked to close everything at once.</param>
    /// <param name="onIgnored">Told the name of a repeated SIGTERM taken as the first request again.</param>
    /// <param name="onUnknownCommand">Told a line typed on stdin that is no command.</param>
    public StopSignals(TextReader input, Action<string> onStop, Action<string> onAbort, Action<string> onIgnored, Action<string> onUnknownCommand)
    {
        _onStop = onStop;
        _onAbort = onAbort;
        _onIgnored = onIgnored;
        _onUnknownCommand = onUnknownCommand;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // We stop on our own terms: drain first, exit 0.
                context.Cancel = true;
                Request(context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM");
            }));
        }

        var reader = new Thread(() => ReadConsole(input)) { IsBackground = true, Name = "stdin-reader" };
        reader.Start();
    }

    /// <summary>Fires on the first request: stop accepting and drain.</summary>
    public CancellationToken Stop => _stop.Token;

    /// <summary>Fires on a second request: close everything now.</summary>
    public CancellationToken Abort => _abort.Token;

    /// <summary>True for a line typed on stdin that asks the server to stop: <c>EXIT</c> or <c>quit</c>, in any case.</summary>
    public static bool IsExitCommand(string line) =>
        line.Trim() is var command && (command.Equals("EXIT", StringComparison.OrdinalIgnoreCase) || command.Equals("quit", StringComparison.OrdinalIgnoreCase));

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
        _abort.Dispose();
    }

    private void ReadConsole(TextReader input)
    {
        try
        {
            while (input.ReadLine() is { } line)
            {
                if (IsExitCommand(line))
                {
                    Request("EXIT");
                }
                else if (!string.IsNullOrWhiteSpace(line))
                {
                    _onUnknownCommand(line.Trim());
                }
            }
        }
        catch (IOException)
        {
            // stdin went away: same as end of input, which is not a request to stop.
        }
    }

    private void Request(string name)
    {
        Action<string> report;
        CancellationTokenSource? fire;
        lock (_lock)
        {
            if (_firstRequest == 0)
            {
                _firstRequest = Stopwatch.GetTimestamp();
                (report, fire) = (_onStop, _stop);
            }
            else if (name == "SIGTERM" && Stopwatch.GetElapsedTime(_firstRequest) < SameRequestWindow)
            {
                (report, fire) = (_onIgnored, null);
            }
            else
            {
                (report, fire) = (_onAbort, _abort);
            }
        }

        report(name);
        try
        {
            fire?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already shutting down completely.
        }
    }
}
