using FsCheck;
using FsCheck.Fluent;
using SharedList.Protocol;
using SocketServer;

namespace SharedList.Tests.Models;

/// <summary>
/// Random sequences of appends, LISTs and CLEARs from several clients, against each model, must match a plain
/// in-memory list: every reply is what the model list says at that point.
/// </summary>
public sealed class RandomOperationsOnEveryModelTests
{
    // Fragments items are built from: quotes of both kinds, a backslash, a tab, non-ASCII, an astral character.
    private static readonly string[] Fragments = ["a", "b", "'", "\"", "\\", "\t", "é", "😀", " ", "LIST", "CLEAR"];

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Random_operations_from_several_clients_match_a_model_list(ServerModel model)
    {
        await using var server = new ModelServer(model);

        // Sequential serves one connection at a time, so its "several clients" take turns on new connections.
        var clientCount = model == ServerModel.Sequential ? 1 : 3;
        var clients = new LineConnection[clientCount];
        for (var i = 0; i < clientCount; i++)
        {
            clients[i] = await LineConnection.ConnectAsync(server.EndPoint);
        }

        try
        {
            var item = Gen.ListOf(Gen.Elements(Fragments)).Select(parts => string.Concat(parts));
            var operation = Gen.Frequency(
                (6, item.Select(text => new Operation(OperationKind.Append, text))),
                (2, Gen.Constant(new Operation(OperationKind.List, string.Empty))),
                (1, Gen.Constant(new Operation(OperationKind.Clear, string.Empty))));
            var step = Gen.Zip(Gen.Choose(0, clientCount - 1), operation);
            var scenario = Gen.ListOf(step).Select(steps => steps.ToArray());

            var property = Prop.ForAll(Arb.From(scenario), steps => Run(clients, steps));
            Check.One(Config.QuickThrowOnFailure.WithMaxTest(40).WithEndSize(60), property);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static bool Run(LineConnection[] clients, (int Client, Operation Operation)[] steps)
    {
        // Each case starts from an empty list, on the same connections.
        Assert.Equal(Replies.ListCleared, clients[0].Request("CLEAR"));
        var model = new List<string>();
        foreach (var (client, operation) in steps)
        {
            var (request, expected) = operation.Kind switch
            {
                OperationKind.List => ("LIST", PythonListRenderer.RenderToString([.. model])),
                OperationKind.Clear => ("CLEAR", Replies.ListCleared),
                _ => (operation.Item, Replies.Ack),
            };

            // An append whose text is a command is that command, as the protocol says.
            if (operation.Kind == OperationKind.Append && operation.Item is "LIST" or "CLEAR")
            {
                expected = operation.Item == "LIST" ? PythonListRenderer.RenderToString([.. model]) : Replies.ListCleared;
            }

            var reply = clients[client].Request(request);
            if (reply != expected)
            {
                return false;
            }

            if (request == "CLEAR")
            {
                model.Clear();
            }
            else if (request != "LIST")
            {
                model.Add(request);
            }
        }

        return true;
    }

    private enum OperationKind
    {
        Append,
        List,
        Clear,
    }

    private sealed record Operation(OperationKind Kind, string Item);
}
