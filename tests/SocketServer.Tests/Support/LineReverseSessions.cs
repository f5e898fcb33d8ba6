using SocketServer.Sessions;

namespace SocketServer.Tests.Support;

/// <summary>Creates a <see cref="LineReverseSession"/> per connection and counts them.</summary>
internal sealed class LineReverseSessions : ISessionFactory
{
    private int _created;

    public int Created => Volatile.Read(ref _created);

    public ISession CreateSession(ConnectionContext connection)
    {
        Interlocked.Increment(ref _created);
        return new LineReverseSession();
    }
}
