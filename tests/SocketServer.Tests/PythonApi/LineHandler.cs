using System.Net.Sockets;
using System.Text;
using SocketServer.Handlers;

namespace SocketServer.Tests.PythonApi;

/// <summary>
/// A <see cref="BaseRequestHandler"/> written the way the slides write one: <see cref="Handle"/> reads lines off
/// <see cref="BaseRequestHandler.Request"/> and answers each with <see cref="Answer"/> until the client closes.
/// Every step is reported to <see cref="Calls"/>.
/// </summary>
internal class LineHandler(Action<string>? calls = null) : BaseRequestHandler
{
    protected Action<string> Calls { get; } = calls ?? (_ => { });

    public override void Setup() => Calls("Setup");

    public override void Handle()
    {
        Calls("Handle");
        while (ReadLine() is { } line)
        {
            var reply = Encoding.UTF8.GetBytes(Answer(line) + "\n");
            Request.Send(reply);
        }
    }

    public override void Finish() => Calls("Finish");

    /// <summary>The reply to one line; the default reverses it.</summary>
    protected virtual string Answer(string line) => new([.. line.Reverse()]);

    /// <summary>Reads one line byte by byte (lines are short); null at end of stream.</summary>
    private string? ReadLine()
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (Request.Receive(one, SocketFlags.None) == 1)
        {
            if (one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString([.. bytes]);
            }

            bytes.Add(one[0]);
        }

        return null;
    }
}
