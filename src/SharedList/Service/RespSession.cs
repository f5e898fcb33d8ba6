using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using SharedList.Metrics;
using SharedList.Protocol.Resp;
using SharedList.Stores;
using SocketServer.Sessions;

namespace SharedList.Service;

/// <summary>
/// The Redis protocol (RESP2) over one connection, on the same store as the line protocol: Redis's list commands on
/// named lists, and what Redis clients ask a server for (docs/PROTOCOL.md, "The Redis protocol").
/// </summary>
/// <remarks>
/// Threading: called by one thread at a time (see <see cref="ISession"/>); the only shared state is the store.
/// Replies keep to the output budget and wait for the store's commit as the line protocol's do (<see cref="HeldReplies{TReply}"/>).
/// </remarks>
internal sealed partial class RespSession : ICommittingSession, IHeldReplyWriter<RespSession.HeldReply>
{
    private readonly ConnectionContext _connection;
    private readonly RespSessionFactory _factory;
    private readonly IListStore _store;
    private readonly RespRequest _request = new();
    private readonly HeldReplies<HeldReply> _held = new();
    private readonly CountingBufferWriter _counter = new();
    private BatchClock _clock;

    // A reply that is not a store's, written while others are held: kept as bytes behind them.
    private readonly ArrayBufferWriter<byte> _fixed = new();
    private readonly RespItemsReply _items = new();
    private readonly RequestValues _values;
    private readonly long _outputBudget;
    private readonly ILogger _logger;

    // The last key's bytes and list: most requests of a connection name the same key.
    private byte[] _lastKey = [];
    private IStoredList? _lastList;

    private bool _authenticated;
    private int _failedAuthentications;
    private bool _closing;
    private string? _clientName;

    public RespSession(ConnectionContext connection, RespSessionFactory factory)
    {
        _connection = connection;
        _factory = factory;
        _store = factory.Store;
        _outputBudget = factory.OutputBudget;
        _logger = factory.Logger;
        _authenticated = factory.Password is null;
        _values = new RequestValues(_request);
    }

    public ICommitter Committer => _store.Committer ?? throw new InvalidOperationException("The store has no commit step.");

    public long CommitTicket => _held.Ticket;

    private IBufferWriter<byte> FixedOutput => _held.IsEmpty ? _counter : _fixed;

    public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> server)
    {
        _clock.Receiving(!input.IsEmpty);
        var status = Serve(ref input, inputCompleted, server);

        // Ready once replies were written and none waits for a commit or for room in the output budget.
        _clock.Answered(_held.IsEmpty && !_items.IsActive && _counter.Written > 0);
        return status;
    }

    private SessionStatus Serve(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> server)
    {
        // Replies beyond the budget wait for the next call (OutputPending), whatever the client pipelines.
        var output = _counter.Reset(server);
        if (_items.IsActive && !_items.WriteSome(output, _outputBudget))
        {
            return SessionStatus.OutputPending;
        }

        if (!_held.IsEmpty && !_held.WriteSome(this, output, _outputBudget))
        {
            return SessionStatus.OutputPending;
        }

        if (_closing)
        {
            input = input.Slice(input.End);
            return SessionStatus.Close;
        }

        // Terminates: every request read consumes input.
        while (true)
        {
            if (output.Written >= _outputBudget || _held.IsFull)
            {
                return input.IsEmpty ? (inputCompleted ? SessionStatus.Close : SessionStatus.Continue) : SessionStatus.OutputPending;
            }

            switch (_factory.Reader.TryRead(ref input, _request, out var error))
            {
                case RespReadStatus.Request:
                    Handle();
                    _request.Clear();
                    HoldFixed();
                    if (_closing)
                    {
                        // QUIT, or a third wrong password: what else the client pipelined is not served.
                        input = input.Slice(input.End);
                        return SessionStatus.Close;
                    }

                    if (_items.IsActive && !_items.WriteSome(output, _outputBudget))
                    {
                        return SessionStatus.OutputPending;
                    }

                    break;
                case RespReadStatus.ProtocolError:
                    // As Redis: the error, then the connection closes, since nothing after it can be read as a request.
                    _logger.RespProtocolError(_connection.Id, _connection.RemoteEndPoint, error);
                    RespWriter.WriteError(FixedOutput, "ERR " + error);
                    HoldFixed();
                    _request.Clear();
                    input = input.Slice(input.End);
                    _closing = true;
                    return SessionStatus.Close;
                default:
                    return inputCompleted ? SessionStatus.Close : SessionStatus.Continue;
            }
        }
    }

    bool IHeldReplyWriter<HeldReply>.WriteHeld(IBufferWriter<byte> output, in HeldReply held)
    {
        if (held.Kind == RespReplyKind.Fixed)
        {
            output.Write((byte[])held.Extra!);
            return true;
        }

        Write(held.Result.Resolve(), held.Kind, held.Extra);
        return !_items.IsActive;
    }

    private void Handle()
    {
        if (!RespCommand.TryFind(_request[0], out var command))
        {
            var arguments = new string[Math.Min(_request.Count - 1, 128)];
            for (var i = 0; i < arguments.Length; i++)
            {
                arguments[i] = Encoding.UTF8.GetString(_request[i + 1]);
            }

            Error(RespErrors.UnknownCommand(Encoding.UTF8.GetString(_request[0]), arguments));
            return;
        }

        if (!command.ArityAllows(_request.Count))
        {
            Error(RespErrors.WrongArity(command.Name));
            return;
        }

        if (!_authenticated && !command.AllowedBeforeAuth)
        {
            _factory.Metrics.Count(Counted.NotAuthenticated);
            _logger.NotAuthenticated(_connection.Id, _connection.RemoteEndPoint, _request.Bytes);
            Error(RespErrors.NoAuth);
            return;
        }

        _factory.Metrics.CountResp(command.Id);
        switch (command.Id)
        {
            case RespCommandId.RPush:
            case RespCommandId.LPush:
                Push(command.Id == RespCommandId.RPush ? ListEnd.Tail : ListEnd.Head);
                break;
            case RespCommandId.LRange:
                LRange();
                break;
            case RespCommandId.LLen:
                if (TryList(1, out var counted))
                {
                    Reply(counted.Count(), RespReplyKind.Length);
                }

                break;
            case RespCommandId.LIndex:
                LIndex();
                break;
            case RespCommandId.LPop:
            case RespCommandId.RPop:
                Pop(command.Id == RespCommandId.LPop ? ListEnd.Head : ListEnd.Tail, command.Name);
                break;
            case RespCommandId.Del:
            case RespCommandId.Unlink:
                EachKey(list => list.Clear());
                break;
            case RespCommandId.Exists:
                EachKey(list => list.Count());
                break;
            case RespCommandId.Type:
                if (TryList(1, out var typed))
                {
                    Reply(typed.Count(), RespReplyKind.Type);
                }

                break;
            case RespCommandId.Keys:
                Reply(_store.ListKeys(), RespReplyKind.Keys, new KeyFilter(Encoding.UTF8.GetString(_request[1]), ListType: true));
                break;
            case RespCommandId.Scan:
                Scan();
                break;
            case RespCommandId.DbSize:
                Reply(_store.ListKeys(), RespReplyKind.Length);
                break;
            case RespCommandId.FlushDb:
            case RespCommandId.FlushAll:
                Flush();
                break;
            case RespCommandId.Info:
                var sections = new string[_request.Count - 1];
                for (var i = 0; i < sections.Length; i++)
                {
                    sections[i] = Encoding.UTF8.GetString(_request[i + 1]);
                }

                Reply(_store.ListKeys(), RespReplyKind.Info, sections);
                break;
            default:
                HandleServerCommand(command);
                break;
        }
    }

    // A store's result: written now when it is final and nothing is held, otherwise held for its commit.
    private void Reply(in StoreResult result, RespReplyKind kind, object? extra = null)
    {
        if (_held.IsEmpty && result.Ticket == 0)
        {
            Write(result, kind, extra);
            return;
        }

        _held.Hold(new HeldReply(result, kind, extra), result.Ticket);
    }

    private void Write(in StoreResult result, RespReplyKind kind, object? extra)
    {
        var output = _counter;
        if (kind == RespReplyKind.ExistedSum)
        {
            var existed = 0;
            foreach (var part in (StoreResult[])extra!)
            {
                var final = part.Resolve();
                if (final.Outcome == StoreOutcome.Unavailable)
                {
                    StoreUnavailable(final.Error);
                    return;
                }

                existed += final.Length > 0 ? 1 : 0;
            }

            RespWriter.WriteInteger(output, existed);
            return;
        }

        switch (result.Outcome)
        {
            case StoreOutcome.Unavailable:
                StoreUnavailable(result.Error);
                return;
            case StoreOutcome.Full:
                _factory.Metrics.Count(Counted.ListFull);
                RespWriter.WriteError(output, RespErrors.ListFull((string)extra!, _store.MaxItems));
                return;
        }

        switch (kind)
        {
            case RespReplyKind.Length:
                RespWriter.WriteInteger(output, result.Length);
                break;
            case RespReplyKind.Items:
                _items.Write(output, result.Snapshot, _outputBudget);
                break;
            case RespReplyKind.PopOne:
            case RespReplyKind.Index:
                _items.WriteFirst(output, result.Snapshot);
                break;
            case RespReplyKind.PopMany when result.Length == 0:
            case RespReplyKind.PopNone when result.Length == 0:
                RespWriter.WriteNullArray(output);
                break;
            case RespReplyKind.PopMany:
                _items.Write(output, result.Snapshot, _outputBudget);
                break;
            case RespReplyKind.PopNone:
                RespWriter.WriteArrayHeader(output, 0);
                break;
            case RespReplyKind.Existed:
                RespWriter.WriteInteger(output, result.Length > 0 ? 1 : 0);
                break;
            case RespReplyKind.Type:
                RespWriter.WriteSimpleString(output, result.Length > 0 ? "list" : "none");
                break;
            case RespReplyKind.Keys:
                WriteKeys(output, result.Keys!, (KeyFilter)extra!);
                break;
            case RespReplyKind.Scan:
                RespWriter.WriteArrayHeader(output, 2);
                RespWriter.WriteBulkString(output, "0"u8);
                WriteKeys(output, result.Keys!, (KeyFilter)extra!);
                break;
            case RespReplyKind.Ok:
                RespWriter.WriteOk(output);
                break;
            case RespReplyKind.Info:
                RespWriter.WriteBulkString(output, _factory.Info.Render((string[])extra!, result.Length, _connection));
                break;
            default:
                throw new InvalidOperationException($"No reply for {kind}.");
        }
    }

    private static void WriteKeys(IBufferWriter<byte> output, IReadOnlyList<string> keys, KeyFilter filter)
    {
        var matching = filter.ListType ? keys.Where(key => RespGlob.IsMatch(filter.Pattern, key)).ToList() : [];
        RespWriter.WriteArrayHeader(output, matching.Count);
        foreach (var key in matching)
        {
            RespWriter.WriteBulkString(output, key);
        }
    }

    private void StoreUnavailable(string? reason)
    {
        _factory.Metrics.Count(Counted.StoreUnavailable);
        _logger.StoreUnavailable(_connection.Id, _connection.RemoteEndPoint, reason);
        RespWriter.WriteError(_counter, RespErrors.StoreUnavailable(reason));
    }

    // The list a key argument names; false (after the error) when the key is not text.
    private bool TryList(int index, out IStoredList list)
    {
        var key = _request[index];
        if (_lastList is not null && key.SequenceEqual(_lastKey))
        {
            list = _lastList;
            return true;
        }

        if (!Utf8.IsValid(key))
        {
            InvalidUtf8(key.Length);
            list = null!;
            return false;
        }

        list = _lastList = _store.GetList(Encoding.UTF8.GetString(key));
        _lastKey = key.ToArray();
        return true;
    }

    private bool TryInteger(int index, out long value)
    {
        if (RespInteger.TryParse(_request[index], out value))
        {
            return true;
        }

        Error(RespErrors.NotInteger);
        return false;
    }

    private void InvalidUtf8(int length)
    {
        _factory.Metrics.Count(Counted.InvalidUtf8);
        _factory.Errors.InvalidUtf8(_connection, length);
        Error(RespErrors.NotText);
    }

    private void Error(string text) => RespWriter.WriteError(FixedOutput, text);

    // A reply written to _fixed because others were held goes behind them.
    private void HoldFixed()
    {
        if (_fixed.WrittenCount > 0)
        {
            _held.Hold(new HeldReply(default, RespReplyKind.Fixed, _fixed.WrittenSpan.ToArray()), 0);
            _fixed.ResetWrittenCount();
        }
    }

    /// <summary>A held reply: the store's result, how to write it, and what else the writing needs.</summary>
    internal readonly record struct HeldReply(StoreResult Result, RespReplyKind Kind, object? Extra);

    /// <summary>Which keys <c>KEYS</c> and <c>SCAN</c> name: those matching <see cref="Pattern"/>, if the type asked for is a list.</summary>
    private sealed record KeyFilter(string Pattern, bool ListType);
}
