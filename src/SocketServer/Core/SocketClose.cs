using System.Net.Sockets;

namespace SocketServer.Core;

/// <summary>How every model closes a connection it is done with.</summary>
internal static class SocketClose
{
    // Bound on bytes read and thrown away at close, so a client still sending cannot hold the closer.
    private const int MaxDiscardedBytes = 1 << 20;

    /// <summary>
    /// Sends FIN after any queued reply, discards input already received, then closes. Closing with unread
    /// input makes Linux send RST, and an RST can reach the client before it reads our last reply (an
    /// <c>ERR</c> before closing, say); discarding what is buffered avoids that without ever blocking.
    /// </summary>
    public static void Gracefully(Socket socket)
    {
        try
        {
            EndSending(socket);
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>The first half of <see cref="Gracefully"/>: FIN after any queued reply, and the discard, without closing.</summary>
    public static void EndSending(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);

            // Non-blocking for the discard, whatever the model: on a socket that is non-blocking underneath, .NET
            // emulates a blocking receive with a wait only a thread-pool thread can end, and many closes at once
            // would take every pool thread (docs/RELIABILITY.md).
            socket.Blocking = false;
            DiscardBufferedInput(socket);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The peer is already gone; closing is all that is left.
        }
    }

    /// <summary>Sends <paramref name="reply"/> to a connection being refused, then closes it gracefully.</summary>
    public static void Reject(Socket socket, ReadOnlySpan<byte> reply)
    {
        SendRejection(socket, reply);
        Gracefully(socket);
    }

    /// <summary>Sends a short refusal to a fresh connection, ignoring a client that is already gone.</summary>
    public static void SendRejection(Socket socket, ReadOnlySpan<byte> reply)
    {
        if (!reply.IsEmpty)
        {
            try
            {
                // A fresh connection's send buffer is empty, so a short reply never blocks.
                socket.Send(reply, SocketFlags.None);
            }
            catch (SocketException)
            {
                // The refused client is already gone; nothing to tell it.
            }
        }
    }

    private static void DiscardBufferedInput(Socket socket)
    {
        Span<byte> scratch = stackalloc byte[4096];
        var discarded = 0;
        while (discarded < MaxDiscardedBytes && socket.Available > 0)
        {
            // Non-blocking: returns what is buffered, or WouldBlock (and we stop) if it is gone meanwhile.
            var read = socket.Receive(scratch, SocketFlags.None, out var error);
            if (read <= 0 || error != SocketError.Success)
            {
                return;
            }

            discarded += read;
        }
    }
}
