using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using SharedList.Protocol;
using SharedList.Stores;
using SocketServer.Sessions;

namespace SharedList.Service;

/// <summary>The seed's <c>Servidor.py</c> request loop for one connection, over any transport and server model.</summary>
/// <remarks>
/// Threading: called by one thread at a time (see <see cref="ISession"/>); the only shared state is the store.
/// </remarks>
internal sealed class SharedListSession : ISession
{
    private readonly ConnectionContext _connection;
    private readonly MessageFramer _framer;
    private readonly IListStore _store;
    private readonly ILogger _logger;
    private readonly long _outputBudget;
    private readonly CountingBufferWriter _counter = new();
    private readonly ListReplyInProgress _listReply = new();
    private bool _datagramHandled;

    public SharedListSession(ConnectionContext connection, MessageFramer framer, IListStore store, ILogger logger, int outputBudget)
    {
        _connection = connection;
        _framer = framer;
        _store = store;
        _logger = logger;
        _outputBudget = outputBudget;
    }

    private Framing Framing => _framer.Framing;

    public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output)
    {
        return _connection.Transport == TransportKind.Datagram
            ? ProcessDatagram(ref input, output)
            : ProcessStream(ref input, inputCompleted, output);
    }

    private SessionStatus ProcessStream(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> server)
    {
        // Replies beyond the budget wait for the next call (OutputPending), so the server holds at most about
        // one budget of replies for this connection, whatever the client pipelines and whether it reads or not.
        var output = _counter.Reset(server);
        if (_listReply.IsActive && !_listReply.WriteSome(output, _outputBudget, Framing))
        {
            return SessionStatus.OutputPending;
        }

        // Terminates: every Message result consumes at least one byte.
        while (true)
        {
            if (output.Written >= _outputBudget)
            {
                return input.IsEmpty ? (inputCompleted ? SessionStatus.Close : SessionStatus.Continue) : SessionStatus.OutputPending;
            }

            switch (_framer.TryReadMessage(ref input, out var message))
            {
                case FrameStatus.Message:
                    Handle(message, output);
                    if (_listReply.IsActive && !_listReply.WriteSome(output, _outputBudget, Framing))
                    {
                        return SessionStatus.OutputPending;
                    }

                    break;
                case FrameStatus.TooLong:
                    RejectTooLong(ref input, output);
                    return SessionStatus.Close;
                default:
                    // Once the peer has finished sending there is nothing left to wait for: send and close. An
                    // unfinished last line is dropped (see MessageFramer.TryReadMessage).
                    return inputCompleted ? SessionStatus.Close : SessionStatus.Continue;
            }
        }
    }

    private SessionStatus ProcessDatagram(ref ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        // The whole datagram is the message, even an empty one: unlike recv() returning b"" on a stream, an
        // empty datagram is something a client sent. The framer's Raw mode would read it as "nothing yet".
        if (!_datagramHandled)
        {
            _datagramHandled = true;
            if (input.Length > _framer.MaxMessageBytes)
            {
                RejectTooLong(ref input, output);
                return SessionStatus.Close;
            }

            Handle(input, output);
        }

        input = input.Slice(input.End);
        return SessionStatus.Close;
    }

    private void RejectTooLong(ref ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        _logger.LogDebug(
            "Connection {ConnectionId} from {RemoteEndPoint}: message over {MaxMessageBytes} bytes, closing",
            _connection.Id,
            _connection.RemoteEndPoint,
            _framer.MaxMessageBytes);
        Replies.Write(output, Replies.MessageTooLong, Framing);

        // Framing is lost: nothing after this point can be read as a message.
        input = input.Slice(input.End);
    }

    private void Handle(ReadOnlySequence<byte> message, IBufferWriter<byte> output)
    {
        if (message.IsSingleSegment)
        {
            Handle(message.FirstSpan, output);
            return;
        }

        // Rare (a message split across buffer segments) and bounded by MaxMessageBytes.
        var length = (int)message.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            message.CopyTo(rented);
            Handle(rented.AsSpan(0, length), output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Handle(ReadOnlySpan<byte> message, IBufferWriter<byte> output)
    {
        if (!Utf8.IsValid(message))
        {
            _logger.LogDebug(
                "Connection {ConnectionId} from {RemoteEndPoint}: {Length}-byte message is not valid UTF-8",
                _connection.Id,
                _connection.RemoteEndPoint,
                message.Length);
            Replies.Write(output, Replies.InvalidUtf8, Framing);
            return;
        }

        switch (CommandParser.Parse(message))
        {
            case Command.List when _connection.Transport == TransportKind.Stream:
                // Written a budget at a time by ProcessStream; a datagram reply is one datagram, written whole below.
                _listReply.Begin(_store.Snapshot());
                break;
            case Command.List:
                PythonListRenderer.Render(_store.Snapshot().Span, output);
                Replies.WriteTerminator(output, Framing);
                break;
            case Command.Clear:
                _store.Clear();
                Replies.Write(output, Replies.ListCleared, Framing);
                break;
            default:
                Replies.Write(output, _store.TryAppend(Encoding.UTF8.GetString(message)) ? Replies.Ack : Replies.ListFull, Framing);
                break;
        }

        LogRequest(message);
    }

    // The seed's print('lista= %s' % lista), at Debug only. The list is rendered again from a fresh snapshot,
    // so under concurrency it may already include other clients' requests: it is a log, not the reply.
    private void LogRequest(ReadOnlySpan<byte> message)
    {
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        _logger.LogDebug(
            "Connection {ConnectionId} from {RemoteEndPoint}: request {Request}, lista= {List}",
            _connection.Id,
            _connection.RemoteEndPoint,
            Encoding.UTF8.GetString(message),
            PythonListRenderer.RenderToString(_store.Snapshot().Span));
    }
}
