namespace SocketServer.Sessions;

/// <summary>Creates the <see cref="ISession"/> for each accepted connection (or each datagram).</summary>
/// <remarks>
/// Threading: called concurrently from every thread that accepts connections, so implementations must be
/// thread-safe. The server owns the returned session for the life of the connection.
/// </remarks>
public interface ISessionFactory
{
    /// <summary>Creates the session for one connection or one datagram.</summary>
    /// <param name="connection">Who is on the other end and over which transport.</param>
    ISession CreateSession(ConnectionContext connection);
}
