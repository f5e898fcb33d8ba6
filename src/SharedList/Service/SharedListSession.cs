using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using SharedList.Metrics;
using SharedList.Protocol;
using SharedList.Stores;
using SocketServer.Sessions;

namespace SharedList.Service;

/// <summary>The seed's <c>Servidor.py</c> request loop for one connection, over any transport and server model.</summary>
/// <remarks>
/// Threading: called by one thread at a time (see <see cref="ISession"/>); the only shared state is the store.
/// Access control: with a password, every request but <c>AUTH</c> is refused until the connection has sent the
/// right one (docs/PROTOCOL.md).
/// </remarks>
internal sealed class SharedListSession : ICommittingSession, IStallDescriber, IHeldReplyWriter<SharedListSession.HeldReply>
{
    /// <summary>
    /// Wrong passwords one connection may send; the last one's reply is followed by a close. Three, as
    /// <c>sudo</c> allows: enough for typos, and a guesser must reconnect (and be seen in the log) every three tries.
    /// </summary>
    public const int MaxFailedAuthentications = 3;

    /// <summary>See <see cref="HeldReplies{TReply}.MaxHeldReplies"/>.</summary>
    public const int MaxHeldReplies = HeldReplies<HeldReply>.MaxHeldReplies;

    private readonly ConnectionContext _connection;
    private readonly MessageFramer _framer;
    private readonly IStoredList _list;
    private readonly ICommitter? _committer;

    private readonly HeldReplies<HeldReply> _held = new();
    private readonly ILogger _logger;
    private readonly ProtocolErrorLog _errors;
    private readonly bool _logChanges;
    private readonly long _outputBudget;
    private readonly CountingBufferWriter _counter = new();
    // Made for the first LIST reply that does not fit one output budget; most connections never need one.
    private ListReplyInProgress? _listReply;
    private readonly Password? _password;
    private readonly ServiceCounters _metrics;

    private BatchClock _clock;
    private bool _datagramHandled;
    private bool _authenticated;
    private int _failedAuthentications;

    public SharedListSession(ConnectionContext connection, MessageFramer framer, IListStore store, string listKey, ILogger logger, Password? password, int outputBudget, ProtocolErrorLog errors, bool logChanges, ServiceCounters metrics)
    {
        _metrics = metrics;
        _list = store.GetList(listKey);
        _committer = store.Committer;
        _errors = errors;
        _logChanges = logChanges;
        _connection = connection;
        _framer = framer;
        _logger = logger;
        _outputBudget = outputBudget;
        _password = password;
        _authenticated = password is null;
    }

    private Framing Framing => _framer.Framing;

    public ICommitter Committer => _committer ?? throw new InvalidOperationException("The store has no commit step.");

    public long CommitTicket => _held.Ticket;

    public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output)
    {
        _clock.Receiving(!input.IsEmpty);
        var datagram = _connection.Transport == TransportKind.Datagram;
        var status = datagram ? ProcessDatagram(ref input, output) : ProcessStream(ref input, inputCompleted, output);

        // Ready once replies were written and none waits for a commit.
        _clock.Answered(_held.IsEmpty && (datagram || _counter.Written > 0));

        return status;
    }

    /// <summary>
    /// On line framing, a stall holding bytes and no newline is most often one of the course's Python clients: they
    /// send each message without a newline and wait for the reply, which never comes. The log says what to do.
    /// </summary>
    /// <remarks>Uses only the framing, which never changes: it may be called from another thread (<see cref="IStallDescriber"/>).</remarks>
    public string? DescribeStall(ConnectionStall stall) =>
        Framing == Framing.Line && stall is { UnconsumedBytes: > 0, UnsentBytes: 0 }
            ? $"it sent {stall.UnconsumedBytes} {(stall.UnconsumedBytes == 1 ? "byte" : "bytes")} and no newline; " +
              "the course's Python clients send messages without a newline: serve them with --framing raw"
            : null;

    private SessionStatus ProcessStream(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> server)
    {
        // Replies beyond the budget wait for the next call (OutputPending), so the server holds at most about
        // one budget of replies for this connection, whatever the client pipelines and whether it reads or not.
        var output = _counter.Reset(server);
        if (_listReply is { IsActive: true } && !_listReply.WriteSome(output, _outputBudget, Framing))
        {
            return SessionStatus.OutputPending;
        }

        if (!_held.IsEmpty && !_held.WriteSome(this, output, _outputBudget))
        {
            return SessionStatus.OutputPending;
        }

        // Terminates: every Message result consumes at least one byte.
        while (true)
        {
            if (output.Written >= _outputBudget || _held.IsFull)
            {
                return input.IsEmpty ? (inputCompleted ? SessionStatus.Close : SessionStatus.Continue) : SessionStatus.OutputPending;
            }

            switch (_framer.TryReadMessage(ref input, out var message))
            {
                case FrameStatus.Message:
                    if (Handle(message, output) == SessionStatus.Close)
                    {
                        // Too many wrong passwords: whatever else the client pipelined is not served.
                        input = input.Slice(input.End);
                        return SessionStatus.Close;
                    }

                    if (_listReply is { IsActive: true } && !_listReply.WriteSome(output, _outputBudget, Framing))
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
        if (!_held.IsEmpty)
        {
            // A datagram's reply is one datagram: written whole, whatever the budget.
            _ = _held.WriteSome(this, output, long.MaxValue);
        }

        if (!_datagramHandled)
        {
            _datagramHandled = true;
            if (input.Length > _framer.MaxMessageBytes)
            {
                RejectTooLong(ref input, output);
                return SessionStatus.Close;
            }

            // Closed whatever Handle says: a datagram is one request.
            _ = Handle(input, output);
        }

        input = input.Slice(input.End);
        return SessionStatus.Close;
    }

    private void RejectTooLong(ref ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        _metrics.Count(Counted.MessageTooLong);
        _errors.MessageTooLong(_connection, _framer.MaxMessageBytes);
        Reply(output, Replies.MessageTooLong);

        // Framing is lost: nothing after this point can be read as a message.
        input = input.Slice(input.End);
    }

    private SessionStatus Handle(ReadOnlySequence<byte> message, IBufferWriter<byte> output)
    {
        if (message.IsSingleSegment)
        {
            return Handle(message.FirstSpan, output);
        }

        // Rare (a message split across buffer segments) and bounded by MaxMessageBytes.
        var length = (int)message.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            message.CopyTo(rented);
            return Handle(rented.AsSpan(0, length), output);
        }
        finally
        {
            // Cleared: the message may be an AUTH, and the pool's next renter must not see the password.
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    private SessionStatus Handle(ReadOnlySpan<byte> message, IBufferWriter<byte> output)
    {
        var command = CommandParser.Parse(message);
        if (command == Command.Auth)
        {
            _metrics.Count(Counted.Auth);
            return Authenticate(CommandParser.AuthPassword(message), output);
        }

        if (!_authenticated)
        {
            // The request is not logged: a client that forgot the AUTH prefix may just have sent the password.
            _metrics.Count(Counted.NotAuthenticated);
            _logger.NotAuthenticated(_connection.Id, _connection.RemoteEndPoint, message.Length);
            Reply(output, Replies.AuthenticationRequired);
            return SessionStatus.Continue;
        }

        if (!Utf8.IsValid(message))
        {
            _metrics.Count(Counted.InvalidUtf8);
            _errors.InvalidUtf8(_connection, message.Length);
            Reply(output, Replies.InvalidUtf8);
            return SessionStatus.Continue;
        }

        _metrics.Count(command switch
        {
            Command.List => Counted.List,
            Command.Clear => Counted.Clear,
            _ => Counted.Append,
        });
        var result = command switch
        {
            Command.List => _list.Read(),
            Command.Clear => _list.Clear(),
            _ => _list.Append(message),
        };
        Reply(output, result);

        LogRequest(message, changed: command != Command.List);
        return SessionStatus.Continue;
    }

    // Never logs the candidate, right or wrong: a wrong one is often the right one mistyped.
    private SessionStatus Authenticate(ReadOnlySpan<byte> candidate, IBufferWriter<byte> output)
    {
        if (_password is null)
        {
            _logger.AuthWithoutPassword(_connection.Id, _connection.RemoteEndPoint);
            Reply(output, Replies.NoPasswordSet);
            return SessionStatus.Continue;
        }

        if (_password.Matches(candidate))
        {
            _authenticated = true;
            _logger.Authenticated(_connection.Id, _connection.RemoteEndPoint);
            Reply(output, Replies.Ok);
            return SessionStatus.Continue;
        }

        _failedAuthentications++;
        _metrics.Count(Counted.WrongPassword);
        Reply(output, Replies.InvalidPassword);
        if (_failedAuthentications < MaxFailedAuthentications)
        {
            _logger.WrongPassword(_connection.Id, _connection.RemoteEndPoint, _failedAuthentications, MaxFailedAuthentications);
            return SessionStatus.Continue;
        }

        _logger.TooManyWrongPasswords(_connection.Id, _connection.RemoteEndPoint, _failedAuthentications);
        return SessionStatus.Close;
    }

    // A fixed reply: written now, or held behind replies that wait for a commit.
    private void Reply(IBufferWriter<byte> output, string text)
    {
        if (_held.IsEmpty)
        {
            Replies.Write(output, text, Framing);
        }
        else
        {
            _held.Hold(new HeldReply(default, text), 0);
        }
    }

    // A store's result: written now when it is final and nothing is held, otherwise held for its commit.
    private void Reply(IBufferWriter<byte> output, in StoreResult result)
    {
        if (_held.IsEmpty && result.Ticket == 0)
        {
            Write(output, result);
            return;
        }

        _held.Hold(new HeldReply(result, null), result.Ticket);
    }

    // After the commit; false when a LIST goes on past the output budget.
    bool IHeldReplyWriter<HeldReply>.WriteHeld(IBufferWriter<byte> output, in HeldReply held)
    {
        if (held.Text is { } text)
        {
            Replies.Write(output, text, Framing);
        }
        else
        {
            Write(output, held.Result.Resolve());
        }

        return _listReply is not { IsActive: true };
    }

    private void Write(IBufferWriter<byte> output, in StoreResult result)
    {
        switch (result.Outcome)
        {
            case StoreOutcome.Appended:
                Replies.WriteAck(output, Framing);
                break;
            case StoreOutcome.Full:
                _metrics.Count(Counted.ListFull);
                Replies.Write(output, Replies.ListFull, Framing);
                break;
            case StoreOutcome.Cleared:
                Replies.Write(output, Replies.ListCleared, Framing);
                break;
            case StoreOutcome.Read when _connection.Transport == TransportKind.Stream:
                // Written now if it fits what is left of the output budget; otherwise a budget at a time by
                // ProcessStream. A datagram reply is one datagram, written whole below.
                var reply = new ListSnapshotReader(result.Snapshot);
                if (reply.WriteSome(output, _outputBudget - _counter.Written))
                {
                    Replies.WriteTerminator(output, Framing);
                }
                else
                {
                    (_listReply ??= new ListReplyInProgress()).Continue(reply);
                }

                break;
            case StoreOutcome.Read:
                result.Snapshot.WriteTo(output);
                Replies.WriteTerminator(output, Framing);
                break;
            default:
                _metrics.Count(Counted.StoreUnavailable);
                _logger.StoreUnavailable(_connection.Id, _connection.RemoteEndPoint, result.Error);
                Replies.Write(output, Replies.StoreUnavailable(result.Error), Framing);
                break;
        }
    }

    // A store that keeps the list elsewhere (Redis) is not asked for it again for a log line.
    private string ListForLog() => _list.TryPeek(out var snapshot) ? snapshot.ToString() : "(in the store)";

    internal readonly record struct HeldReply(StoreResult Result, string? Text);

    // The seed's print('lista= %s' % lista): at Debug, or after each change at Information when asked
    // (SharedListOptions.LogChanges). The list is rendered again from a fresh snapshot, so under concurrency it may
    // already include other clients' requests: it is a log, not the reply.
    private void LogRequest(ReadOnlySpan<byte> message, bool changed)
    {
        if (_logChanges && changed && _logger.IsEnabled(LogLevel.Information))
        {
            _logger.Changed(_connection.RemoteEndPoint, Encoding.UTF8.GetString(message), ListForLog());
        }
        else if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.Request(_connection.Id, _connection.RemoteEndPoint, Encoding.UTF8.GetString(message), ListForLog());
        }
    }
}
