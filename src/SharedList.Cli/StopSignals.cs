using System.Runtime.InteropServices;

namespace SharedList.Cli;

/// <summary>
/// Turns <c>EXIT</c> on stdin, SIGINT and SIGTERM into two tokens: the first signal asks for a graceful
/// stop, the second for an immediate one. End of stdin is not a signal: the server may run with no terminal.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    public StopSignals(TextReader input, Action<string> onSignal)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // We stop on our own terms: drain first, exit 0.
                context.Cancel = true;
                Signal(context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM", onSignal);
            }));
        }

        var reader = new Thread(() => ReadConsole(input, onSignal)) { IsBackground = true, Name = "stdin-reader" };
        reader.Start();
    }

    /// <summary>Fires on the first signal: stop accepting and drain.</summary>
    public CancellationToken Stop => _stop.Token;

    /// <summary>Fires on the second signal: close everything now.</summary>
    public CancellationToken Abort => _abort.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
        _abort.Dispose();
    }

    private void ReadConsole(TextReader input, Action<string> onSignal)
    {
        try
        {
            while (input.ReadLine() is { } line)
            {
                if (line.Trim() == "EXIT")
                {
                    Signal("EXIT", onSignal);
                }
            }
        }
        catch (IOException)
        {
            // stdin went away: same as end of input, which is not a request to stop.
        }
    }

    private void Signal(string name, Action<string> onSignal)
    {
        var count = Interlocked.Increment(ref _signals);
        onSignal(count == 1 ? name : $"{name} again");
        try
        {
            (count == 1 ? _stop : _abort).Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already shutting down completely.
        }
    }
}
