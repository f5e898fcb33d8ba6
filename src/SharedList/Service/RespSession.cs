using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
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

    /// <summary>How a held store result becomes its reply.</summary>
    internal enum ReplyKind : byte
    {
        /// <summary>Bytes already written: <see cref="HeldReply.Extra"/>.</summary>
        Fixed,

        /// <summary><c>:length</c> (pushes, <c>LLEN</c>, <c>DBSIZE</c>).</summary>
        Length,

        /// <summary>The snapshot's items as an array (<c>LRANGE</c>, a pop with a count).</summary>
        Items,

        /// <summary>The removed item, or nil for a list that did not exist.</summary>
        PopOne,

        /// <summary>The removed items, or the nil array for a list that did not exist.</summary>
        PopMany,

        /// <summary>A pop of 0 items: the empty array, or the nil array for a list that did not exist.</summary>
        PopNone,

        /// <summary>The one item read, or nil.</summary>
        Index,

        /// <summary><c>:1</c> when the list had items, <c>:0</c> otherwise (<c>DEL</c>, <c>EXISTS</c> of one key).</summary>
        Existed,

        /// <summary>The number of lists that had items, of the results in <see cref="HeldReply.Extra"/>.</summary>
        ExistedSum,

        /// <summary><c>+list</c> or <c>+none</c>.</summary>
        Type,

        /// <summary>The keys matching the <see cref="KeyFilter"/> in <see cref="HeldReply.Extra"/>.</summary>
        Keys,

        /// <summary>The same, in <c>SCAN</c>'s reply, with cursor 0.</summary>
        Scan,

        /// <summary><c>+OK</c>.</summary>
        Ok,

        /// <summary>The <c>INFO</c> text for the sections in <see cref="HeldReply.Extra"/>, with the number of keys.</summary>
        Info,
    }

    public ICommitter Committer => _store.Committer ?? throw new InvalidOperationException("The store has no commit step.");

    public long CommitTicket => _held.Ticket;

    private IBufferWriter<byte> FixedOutput => _held.IsEmpty ? _counter : _fixed;

    public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> server)
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
        if (held.Kind == ReplyKind.Fixed)
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
            _logger.NotAuthenticated(_connection.Id, _connection.RemoteEndPoint, _request.Bytes);
            Error(RespErrors.NoAuth);
            return;
        }

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
                    Reply(counted.Count(), ReplyKind.Length);
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
                EachKey(list => list.Clear());
                break;
            case RespCommandId.Exists:
                EachKey(list => list.Count());
                break;
            case RespCommandId.Type:
                if (TryList(1, out var typed))
                {
                    Reply(typed.Count(), ReplyKind.Type);
                }

                break;
            case RespCommandId.Keys:
                Reply(_store.ListKeys(), ReplyKind.Keys, new KeyFilter(Encoding.UTF8.GetString(_request[1]), ListType: true));
                break;
            case RespCommandId.Scan:
                Scan();
                break;
            case RespCommandId.DbSize:
                Reply(_store.ListKeys(), ReplyKind.Length);
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

                Reply(_store.ListKeys(), ReplyKind.Info, sections);
                break;
            default:
                HandleServerCommand(command);
                break;
        }
    }

    private void Push(ListEnd end)
    {
        if (!TryList(1, out var list))
        {
            return;
        }

        for (var i = 2; i < _request.Count; i++)
        {
            if (!Utf8.IsValid(_request[i]))
            {
                InvalidUtf8(_request[i].Length);
                return;
            }
        }

        Reply(list.Push(end, _values.From(2)), ReplyKind.Length, list.Key);
    }

    private void LRange()
    {
        if (!TryInteger(2, out var start) || !TryInteger(3, out var stop) || !TryList(1, out var list))
        {
            return;
        }

        Reply(list.Range(start, stop), ReplyKind.Items);
    }

    private void LIndex()
    {
        if (!TryList(1, out var list) || !TryInteger(2, out var index))
        {
            return;
        }

        // Clamped like any range: an index past either end reads nothing, and the reply is nil.
        Reply(list.Range(index, index), ReplyKind.Index);
    }

    private void Pop(ListEnd end, string name)
    {
        if (_request.Count > 3)
        {
            Error(RespErrors.WrongArity(name));
            return;
        }

        var count = 1L;
        if (_request.Count == 3)
        {
            if (!TryInteger(2, out count))
            {
                return;
            }

            if (count < 0)
            {
                Error(RespErrors.NotPositive);
                return;
            }
        }

        if (!TryList(1, out var list))
        {
            return;
        }

        if (_request.Count == 2)
        {
            Reply(list.Pop(end, 1), ReplyKind.PopOne);
        }
        else if (count == 0)
        {
            // Redis answers without popping: the empty array, or nil for no such list.
            Reply(list.Count(), ReplyKind.PopNone);
        }
        else
        {
            Reply(list.Pop(end, (int)Math.Min(count, int.MaxValue)), ReplyKind.PopMany);
        }
    }

    private void EachKey(Func<IStoredList, StoreResult> operation)
    {
        for (var i = 1; i < _request.Count; i++)
        {
            if (!Utf8.IsValid(_request[i]))
            {
                InvalidUtf8(_request[i].Length);
                return;
            }
        }

        if (_request.Count == 2)
        {
            TryList(1, out var list);
            Reply(operation(list), ReplyKind.Existed);
            return;
        }

        var results = new StoreResult[_request.Count - 1];
        var ticket = 0L;
        for (var i = 0; i < results.Length; i++)
        {
            TryList(i + 1, out var list);
            results[i] = operation(list);
            ticket = Math.Max(ticket, results[i].Ticket);
        }

        // One reply for every key: held, behind the last of their commits, when any waits for one.
        if (_held.IsEmpty && ticket == 0)
        {
            Write(default, ReplyKind.ExistedSum, results);
        }
        else
        {
            _held.Hold(new HeldReply(default, ReplyKind.ExistedSum, results), ticket);
        }
    }

    private void Scan()
    {
        if (!RespInteger.TryParse(_request[1], out var cursor) || cursor < 0)
        {
            Error(RespErrors.InvalidCursor);
            return;
        }

        var pattern = "*";
        var listType = true;
        for (var i = 2; i < _request.Count; i += 2)
        {
            if (i + 1 >= _request.Count)
            {
                Error(RespErrors.Syntax);
                return;
            }

            var option = _request[i];
            if (Ascii.EqualsIgnoreCase(option, "MATCH"u8))
            {
                pattern = Encoding.UTF8.GetString(_request[i + 1]);
            }
            else if (Ascii.EqualsIgnoreCase(option, "COUNT"u8))
            {
                // A hint only: every key comes in one reply.
                if (!TryInteger(i + 1, out var count))
                {
                    return;
                }

                if (count < 1)
                {
                    Error(RespErrors.Syntax);
                    return;
                }
            }
            else if (Ascii.EqualsIgnoreCase(option, "TYPE"u8))
            {
                listType = Ascii.EqualsIgnoreCase(_request[i + 1], "list"u8);
            }
            else
            {
                Error(RespErrors.Syntax);
                return;
            }
        }

        // Every key came with cursor 0; a client that goes on with another cursor has seen them all.
        Reply(_store.ListKeys(), ReplyKind.Scan, new KeyFilter(pattern, listType && cursor == 0));
    }

    private void Flush()
    {
        if (_request.Count > 2 || (_request.Count == 2 && !Ascii.EqualsIgnoreCase(_request[1], "ASYNC"u8) && !Ascii.EqualsIgnoreCase(_request[1], "SYNC"u8)))
        {
            Error(RespErrors.Syntax);
            return;
        }

        Reply(_store.ClearAll(), ReplyKind.Ok);
    }

    // A store's result: written now when it is final and nothing is held, otherwise held for its commit.
    private void Reply(in StoreResult result, ReplyKind kind, object? extra = null)
    {
        if (_held.IsEmpty && result.Ticket == 0)
        {
            Write(result, kind, extra);
            return;
        }

        _held.Hold(new HeldReply(result, kind, extra), result.Ticket);
    }

    private void Write(in StoreResult result, ReplyKind kind, object? extra)
    {
        var output = _counter;
        if (kind == ReplyKind.ExistedSum)
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
                RespWriter.WriteError(output, RespErrors.ListFull((string)extra!, _store.MaxItems));
                return;
        }

        switch (kind)
        {
            case ReplyKind.Length:
                RespWriter.WriteInteger(output, result.Length);
                break;
            case ReplyKind.Items:
                _items.Write(output, result.Snapshot, _outputBudget);
                break;
            case ReplyKind.PopOne:
            case ReplyKind.Index:
                _items.WriteFirst(output, result.Snapshot);
                break;
            case ReplyKind.PopMany when result.Length == 0:
            case ReplyKind.PopNone when result.Length == 0:
                RespWriter.WriteNullArray(output);
                break;
            case ReplyKind.PopMany:
                _items.Write(output, result.Snapshot, _outputBudget);
                break;
            case ReplyKind.PopNone:
                RespWriter.WriteArrayHeader(output, 0);
                break;
            case ReplyKind.Existed:
                RespWriter.WriteInteger(output, result.Length > 0 ? 1 : 0);
                break;
            case ReplyKind.Type:
                RespWriter.WriteSimpleString(output, result.Length > 0 ? "list" : "none");
                break;
            case ReplyKind.Keys:
                WriteKeys(output, result.Keys!, (KeyFilter)extra!);
                break;
            case ReplyKind.Scan:
                RespWriter.WriteArrayHeader(output, 2);
                RespWriter.WriteBulkString(output, "0"u8);
                WriteKeys(output, result.Keys!, (KeyFilter)extra!);
                break;
            case ReplyKind.Ok:
                RespWriter.WriteOk(output);
                break;
            case ReplyKind.Info:
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
        _factory.Errors.InvalidUtf8(_connection, length);
        Error(RespErrors.NotText);
    }

    private void Error(string text) => RespWriter.WriteError(FixedOutput, text);

    // A reply written to _fixed because others were held goes behind them.
    private void HoldFixed()
    {
        if (_fixed.WrittenCount > 0)
        {
            _held.Hold(new HeldReply(default, ReplyKind.Fixed, _fixed.WrittenSpan.ToArray()), 0);
            _fixed.ResetWrittenCount();
        }
    }

    /// <summary>A held reply: the store's result, how to write it, and what else the writing needs.</summary>
    internal readonly record struct HeldReply(StoreResult Result, ReplyKind Kind, object? Extra);

    /// <summary>Which keys <c>KEYS</c> and <c>SCAN</c> name: those matching <see cref="Pattern"/>, if the type asked for is a list.</summary>
    private sealed record KeyFilter(string Pattern, bool ListType);
}
