using System.Buffers;
using System.Text;
using SharedList.Metrics;
using SharedList.Protocol.Resp;

namespace SharedList.Service;

/// <summary>The commands about the server and the connection, which the store has no part in.</summary>
internal sealed partial class RespSession
{
    private void HandleServerCommand(RespCommand command)
    {
        switch (command.Id)
        {
            case RespCommandId.Ping when _request.Count > 2:
                Error(RespErrors.WrongArity(command.Name));
                break;
            case RespCommandId.Ping when _request.Count == 2:
                RespWriter.WriteBulkString(FixedOutput, _request[1]);
                break;
            case RespCommandId.Ping:
                RespWriter.WriteSimpleString(FixedOutput, "PONG");
                break;
            case RespCommandId.Echo:
                RespWriter.WriteBulkString(FixedOutput, _request[1]);
                break;
            case RespCommandId.Quit:
                RespWriter.WriteOk(FixedOutput);
                _closing = true;
                break;
            case RespCommandId.Select:
                if (TryInteger(1, out var database))
                {
                    if (database == 0)
                    {
                        RespWriter.WriteOk(FixedOutput);
                    }
                    else
                    {
                        Error(RespErrors.DbIndexOutOfRange);
                    }
                }

                break;
            case RespCommandId.Config:
                Config();
                break;
            case RespCommandId.Command:
                CommandCommand();
                break;
            case RespCommandId.Hello:
                Hello();
                break;
            case RespCommandId.Client:
                Client();
                break;
            case RespCommandId.Auth:
                Auth();
                break;
            default:
                throw new InvalidOperationException($"{command.Name} is not a server command.");
        }

    }

    private void Config()
    {
        var sub = _request[1];
        if (!Ascii.EqualsIgnoreCase(sub, "GET"u8))
        {
            Error(RespErrors.UnknownSubcommand(Encoding.UTF8.GetString(sub), "CONFIG"));
            return;
        }

        if (_request.Count < 3)
        {
            Error(RespErrors.WrongArity("config|get"));
            return;
        }

        // What redis-benchmark and other clients ask for; every other parameter is unknown here, so it matches nothing.
        var found = new List<KeyValuePair<string, string>>();
        for (var i = 2; i < _request.Count; i++)
        {
            var pattern = Encoding.UTF8.GetString(_request[i]).ToLowerInvariant();
            found.AddRange(RespInfo.ConfigParameters.Where(p => RespGlob.IsMatch(pattern, p.Key) && !found.Contains(p)));
        }

        var output = FixedOutput;
        RespWriter.WriteArrayHeader(output, found.Count * 2);
        foreach (var (name, value) in found)
        {
            RespWriter.WriteBulkString(output, name);
            RespWriter.WriteBulkString(output, value);
        }
    }

    private void CommandCommand()
    {
        var output = FixedOutput;
        if (_request.Count == 1)
        {
            RespWriter.WriteArrayHeader(output, RespCommand.All.Count);
            foreach (var command in RespCommand.All)
            {
                WriteCommandInfo(output, command);
            }

            return;
        }

        var sub = _request[1];
        if (Ascii.EqualsIgnoreCase(sub, "COUNT"u8))
        {
            RespWriter.WriteInteger(output, RespCommand.All.Count);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "DOCS"u8))
        {
            // redis-cli asks at start, for its hints; none is given, which it accepts.
            RespWriter.WriteArrayHeader(output, 0);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "LIST"u8))
        {
            RespWriter.WriteArrayHeader(output, RespCommand.All.Count);
            foreach (var command in RespCommand.All)
            {
                RespWriter.WriteBulkString(output, command.Name);
            }
        }
        else if (Ascii.EqualsIgnoreCase(sub, "INFO"u8))
        {
            RespWriter.WriteArrayHeader(output, _request.Count - 2);
            for (var i = 2; i < _request.Count; i++)
            {
                if (RespCommand.TryFind(_request[i], out var command))
                {
                    WriteCommandInfo(output, command);
                }
                else
                {
                    RespWriter.WriteNullArray(output);
                }
            }
        }
        else
        {
            Error(RespErrors.UnknownSubcommand(Encoding.UTF8.GetString(sub), "COMMAND"));
        }
    }

    // Redis 7's ten fields: name, arity, flags, first key, last key, step, ACL categories, tips, key specs, subcommands.
    private static void WriteCommandInfo(IBufferWriter<byte> output, RespCommand command)
    {
        RespWriter.WriteArrayHeader(output, 10);
        RespWriter.WriteBulkString(output, command.Name);
        RespWriter.WriteInteger(output, command.Arity);
        RespWriter.WriteArrayHeader(output, command.Flags.Length);
        foreach (var flag in command.Flags)
        {
            RespWriter.WriteSimpleString(output, flag);
        }

        RespWriter.WriteInteger(output, command.FirstKey);
        RespWriter.WriteInteger(output, command.LastKey);
        RespWriter.WriteInteger(output, command.FirstKey == 0 ? 0 : 1);
        for (var i = 0; i < 4; i++)
        {
            RespWriter.WriteArrayHeader(output, 0);
        }
    }

    private void Hello()
    {
        if (_request.Count >= 2)
        {
            if (!RespInteger.TryParse(_request[1], out var version))
            {
                Error("ERR Protocol version is not an integer or out of range");
                return;
            }

            // Only RESP2: a client offered RESP3 falls back to it, as it does with Redis 5.
            if (version != 2)
            {
                Error(RespErrors.NoProto);
                return;
            }
        }

        string? name = null;
        var authIndex = 0;
        for (var i = 2; i < _request.Count; i++)
        {
            var option = _request[i];
            if (Ascii.EqualsIgnoreCase(option, "AUTH"u8) && i + 2 < _request.Count)
            {
                authIndex = i + 1;
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(option, "SETNAME"u8) && i + 1 < _request.Count)
            {
                name = Encoding.UTF8.GetString(_request[++i]);
            }
            else
            {
                Error($"ERR Syntax error in HELLO option '{Encoding.UTF8.GetString(option).Replace('\r', ' ').Replace('\n', ' ')}'");
                return;
            }
        }

        if (authIndex > 0 && !Authenticate(_request[authIndex], _request[authIndex + 1]))
        {
            return;
        }

        if (!_authenticated)
        {
            Error(RespErrors.HelloNoAuth);
            return;
        }

        if (name is not null && !TrySetName(name))
        {
            return;
        }

        var output = FixedOutput;
        RespWriter.WriteArrayHeader(output, 14);
        RespWriter.WriteBulkString(output, "server");
        RespWriter.WriteBulkString(output, "redis");
        RespWriter.WriteBulkString(output, "version");
        RespWriter.WriteBulkString(output, RespInfo.RedisVersion);
        RespWriter.WriteBulkString(output, "proto");
        RespWriter.WriteInteger(output, 2);
        RespWriter.WriteBulkString(output, "id");
        RespWriter.WriteInteger(output, _connection.Id);
        RespWriter.WriteBulkString(output, "mode");
        RespWriter.WriteBulkString(output, "standalone");
        RespWriter.WriteBulkString(output, "role");
        RespWriter.WriteBulkString(output, "master");
        RespWriter.WriteBulkString(output, "modules");
        RespWriter.WriteArrayHeader(output, 0);
    }

    private void Client()
    {
        var sub = _request[1];
        var output = FixedOutput;
        if (Ascii.EqualsIgnoreCase(sub, "SETNAME"u8))
        {
            if (_request.Count != 3)
            {
                Error(RespErrors.WrongArity("client|setname"));
            }
            else if (TrySetName(Encoding.UTF8.GetString(_request[2])))
            {
                RespWriter.WriteOk(output);
            }
        }
        else if (Ascii.EqualsIgnoreCase(sub, "GETNAME"u8))
        {
            if (_clientName is null)
            {
                RespWriter.WriteNullBulkString(output);
            }
            else
            {
                RespWriter.WriteBulkString(output, _clientName);
            }
        }
        else if (Ascii.EqualsIgnoreCase(sub, "ID"u8))
        {
            RespWriter.WriteInteger(output, _connection.Id);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "INFO"u8))
        {
            RespWriter.WriteBulkString(output, $"id={_connection.Id} addr={_connection.RemoteEndPoint} laddr={_connection.LocalEndPoint} name={_clientName} db=0 resp=2\n");
        }
        else if (Ascii.EqualsIgnoreCase(sub, "SETINFO"u8))
        {
            // Client libraries tell their name and version; nothing here depends on them.
            if (_request.Count != 4)
            {
                Error(RespErrors.WrongArity("client|setinfo"));
            }
            else
            {
                RespWriter.WriteOk(output);
            }
        }
        else
        {
            Error(RespErrors.UnknownSubcommand(Encoding.UTF8.GetString(sub), "CLIENT"));
        }
    }

    // Redis's rule: a name is printable ASCII without spaces; an empty one removes it.
    private bool TrySetName(string name)
    {
        if (name.Any(c => c is < '!' or > '~'))
        {
            Error(RespErrors.InvalidClientName);
            return false;
        }

        _clientName = name.Length == 0 ? null : name;
        return true;
    }

    private void Auth()
    {
        if (_request.Count > 3)
        {
            Error(RespErrors.Syntax);
            return;
        }

        if (_request.Count == 2 && _factory.Password is null)
        {
            _logger.AuthWithoutPassword(_connection.Id, _connection.RemoteEndPoint);
            Error(RespErrors.NoPasswordSet);
            return;
        }

        var user = _request.Count == 3 ? _request[1] : "default"u8;
        if (Authenticate(user, _request[_request.Count - 1]))
        {
            RespWriter.WriteOk(FixedOutput);
        }
    }

    // Never logs the candidate, right or wrong. Without a password the default user takes any (Redis's nopass).
    private bool Authenticate(ReadOnlySpan<byte> user, ReadOnlySpan<byte> candidate)
    {
        var isDefault = user.SequenceEqual("default"u8);
        if (isDefault && (_factory.Password is null || _factory.Password.Matches(candidate)))
        {
            _authenticated = true;
            _logger.Authenticated(_connection.Id, _connection.RemoteEndPoint);
            return true;
        }

        _failedAuthentications++;
        _factory.Metrics.Count(Counted.WrongPassword);
        Error(RespErrors.WrongPass);
        if (_failedAuthentications < SharedListSession.MaxFailedAuthentications)
        {
            _logger.WrongPassword(_connection.Id, _connection.RemoteEndPoint, _failedAuthentications, SharedListSession.MaxFailedAuthentications);
        }
        else
        {
            // As the line protocol: a guesser must reconnect, and be seen in the log, every three tries.
            _logger.TooManyWrongPasswords(_connection.Id, _connection.RemoteEndPoint, _failedAuthentications);
            _closing = true;
        }

        return false;
    }
}
