using System.Buffers;
using System.Net;
using System.Text;
using SharedList.Service;
using SharedList.Stores;
using SocketServer.Sessions;

namespace SharedList.Tests.Resp;

/// <summary>Redis-protocol sessions made as a server makes them, and requests encoded as a client library sends them.</summary>
internal static class RespSessions
{
    private static long _nextId;

    public static ISession Create(IListStore store, string? password = null, int outputBudgetBytes = SharedListOptions.DefaultOutputBudgetBytes, int maxBulkBytes = SharedListOptions.DefaultMaxMessageBytes)
    {
        var factory = new RespSessionFactory(store, Password.FromOptional(password), outputBudgetBytes, maxBulkBytes);
        var context = new ConnectionContext(Interlocked.Increment(ref _nextId), new IPEndPoint(IPAddress.Loopback, 50000), new IPEndPoint(IPAddress.Loopback, 6379), TransportKind.Stream);
        return factory.CreateSession(context);
    }

    /// <summary>A request as multibulk: <c>*n\r\n</c>, then each word as a bulk string.</summary>
    public static string Command(params string[] words)
    {
        var text = new StringBuilder($"*{words.Length}\r\n");
        foreach (var word in words)
        {
            text.Append($"${Encoding.UTF8.GetByteCount(word)}\r\n{word}\r\n");
        }

        return text.ToString();
    }

    /// <summary>Runs <paramref name="text"/> through the session in one call, expecting it all consumed and the connection to go on.</summary>
    public static string Send(ISession session, string text) => Send(session, Encoding.UTF8.GetBytes(text));

    public static string Send(ISession session, byte[] bytes)
    {
        var (reply, status) = SendAny(session, bytes);
        Assert.Equal(SessionStatus.Continue, status);
        return reply;
    }

    /// <summary>Runs <paramref name="bytes"/> through the session in one call; the reply and the status.</summary>
    public static (string Reply, SessionStatus Status) SendAny(ISession session, byte[] bytes)
    {
        var input = new ReadOnlySequence<byte>(bytes);
        var output = new ArrayBufferWriter<byte>();
        var status = session.Process(ref input, false, output);
        Assert.True(input.IsEmpty, "the whole input should be consumed");
        return (Encoding.UTF8.GetString(output.WrittenSpan), status);
    }

    /// <summary>The reply to one command.</summary>
    public static string Call(ISession session, params string[] words) => Send(session, Command(words));

    /// <summary>A bulk string's encoding.</summary>
    public static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    /// <summary>An array of bulk strings' encoding.</summary>
    public static string Array(params string[] values) => $"*{values.Length}\r\n" + string.Concat(values.Select(Bulk));
}
