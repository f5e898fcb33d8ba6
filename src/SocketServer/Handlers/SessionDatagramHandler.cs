using System.Buffers;
using SocketServer.Sessions;

namespace SocketServer.Handlers;

/// <summary>Runs an <see cref="ISession"/> over one datagram: the datagram is the whole input, the reply one datagram.</summary>
public sealed class SessionDatagramHandler : DatagramRequestHandler
{
    private readonly ISessionFactory _sessions;

    /// <summary>Creates a handler that will ask <paramref name="sessions"/> for a session per datagram.</summary>
    public SessionDatagramHandler(ISessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _sessions = sessions;
    }

    /// <inheritdoc />
    public override void Handle()
    {
        var session = _sessions.CreateSession(new ConnectionContext(RequestId, ClientAddress, Request.LocalEndPoint!, TransportKind.Datagram));
        var input = new ReadOnlySequence<byte>(Packet);
        session.Process(ref input, inputCompleted: true, Reply);

        // The reply is sent when this returns: a held one is written once its commit is done.
        while (session is ICommittingSession { CommitTicket: > 0 and var ticket } committing)
        {
            committing.Committer.Commit(ticket);
            session.Process(ref input, inputCompleted: true, Reply);
        }
    }
}
