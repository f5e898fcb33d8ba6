using System.Text;
using System.Text.Unicode;
using SharedList.Protocol.Resp;
using SharedList.Stores;

namespace SharedList.Service;

/// <summary>The list commands: each checks its arguments, asks the store, and replies (now, or once the commit is done).</summary>
internal sealed partial class RespSession
{
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

        Reply(list.Push(end, _values.From(2)), RespReplyKind.Length, list.Key);
    }

    private void LRange()
    {
        if (!TryInteger(2, out var start) || !TryInteger(3, out var stop) || !TryList(1, out var list))
        {
            return;
        }

        Reply(list.Range(start, stop), RespReplyKind.Items);
    }

    private void LIndex()
    {
        if (!TryList(1, out var list) || !TryInteger(2, out var index))
        {
            return;
        }

        // Clamped like any range: an index past either end reads nothing, and the reply is nil.
        Reply(list.Range(index, index), RespReplyKind.Index);
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
            // Redis's one message for a count that is not a number and for a negative one.
            if (!RespInteger.TryParse(_request[2], out count) || count < 0)
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
            Reply(list.Pop(end, 1), RespReplyKind.PopOne);
        }
        else if (count == 0)
        {
            // Redis answers without popping: the empty array, or nil for no such list.
            Reply(list.Count(), RespReplyKind.PopNone);
        }
        else
        {
            Reply(list.Pop(end, (int)Math.Min(count, int.MaxValue)), RespReplyKind.PopMany);
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
            Reply(operation(list), RespReplyKind.Existed);
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
            Write(default, RespReplyKind.ExistedSum, results);
        }
        else
        {
            _held.Hold(new HeldReply(default, RespReplyKind.ExistedSum, results), ticket);
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
        Reply(_store.ListKeys(), RespReplyKind.Scan, new KeyFilter(pattern, listType && cursor == 0));
    }

    private void Flush()
    {
        if (_request.Count > 2 || (_request.Count == 2 && !Ascii.EqualsIgnoreCase(_request[1], "ASYNC"u8) && !Ascii.EqualsIgnoreCase(_request[1], "SYNC"u8)))
        {
            Error(RespErrors.Syntax);
            return;
        }

        Reply(_store.ClearAll(), RespReplyKind.Ok);
    }
}
