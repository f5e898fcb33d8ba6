using System.Net.Sockets;
using SocketServer.Core;

namespace SocketServer.Handlers;

/// <summary>
/// A handler for a connected stream (CPython's <c>StreamRequestHandler</c>): read the request with
/// <see cref="Reader"/> (CPython's <c>rfile</c>) and write the reply with <see cref="Writer"/> (CPython's
/// <c>wfile</c>), both over <see cref="Stream"/>, the connection's bytes: a <see cref="NetworkStream"/> over
/// <see cref="BaseRequestHandler.Request"/>, or the TLS stream when the server serves TLS (<see cref="ServerOptions.Tls"/>).
/// </summary>
/// <remarks>
/// <para>Set the options (<see cref="Timeout"/>, <see cref="DisableNagleAlgorithm"/>, the buffer sizes) in the
/// handler's constructor or initializer; <see cref="Setup"/> applies them. A subclass overriding
/// <see cref="Setup"/> or <see cref="Finish"/> calls the base method, as in CPython.</para>
/// <para>Ownership: the server owns the socket and the TLS stream; <see cref="Finish"/> flushes <see cref="Writer"/>
/// and releases the <see cref="NetworkStream"/> it made.</para>
/// </remarks>
public abstract class StreamRequestHandler : BaseRequestHandler
{
    /// <summary>
    /// Receive and send timeout applied in <see cref="Setup"/> (CPython's <c>timeout</c>); null waits forever.
    /// A timed-out read or write throws (<see cref="IOException"/>, or <see cref="TimeoutException"/> from an
    /// asynchronous one), which ends the request.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Sets TCP_NODELAY so small replies go out at once (CPython's <c>disable_nagle_algorithm</c>); a Unix socket has no such delay.</summary>
    public bool DisableNagleAlgorithm { get; init; }

    /// <summary>Bytes <see cref="Reader"/> asks of the connection per read (CPython's <c>rbufsize</c>).</summary>
    public int ReadBufferSize { get; init; } = RequestReader.DefaultBufferSize;

    /// <summary>
    /// Bytes <see cref="Writer"/> gathers before sending (CPython's <c>wbufsize</c>); 0, the default as in CPython,
    /// sends each write at once. What is left is sent in <see cref="Finish"/>.
    /// </summary>
    public int WriteBufferSize { get; init; }

    /// <summary>The longest line <see cref="Reader"/> accepts, in bytes (64 KiB by default).</summary>
    public int MaxLineLength { get; init; } = RequestReader.DefaultMaxLineLength;

    /// <summary>The connection's bytes: the TLS stream when the server serves TLS. The server owns it and the socket.</summary>
    protected Stream Stream { get; private set; } = null!;

    /// <summary>Reads the request (CPython's <c>rfile</c>), buffered by <see cref="ReadBufferSize"/>.</summary>
    protected RequestReader Reader { get; private set; } = null!;

    /// <summary>Writes the reply (CPython's <c>wfile</c>), unbuffered unless <see cref="WriteBufferSize"/> is above 0.</summary>
    protected RequestWriter Writer { get; private set; } = null!;

    /// <inheritdoc />
    public override void Setup()
    {
        if (Timeout is { } timeout)
        {
            Request.ReceiveTimeout = Request.SendTimeout = (int)timeout.TotalMilliseconds;
        }

        if (DisableNagleAlgorithm)
        {
            Listener.DisableNagle(Request);
        }

        Stream = Tls ?? (Stream)new NetworkStream(Request, ownsSocket: false);

        // Asynchronous socket calls ignore the socket's timeouts: the reader and writer bound them themselves.
        Reader = new RequestReader(Stream, ReadBufferSize, MaxLineLength) { AsyncTimeout = Timeout };
        Writer = new RequestWriter(Stream, WriteBufferSize) { AsyncTimeout = Timeout };
    }

    /// <inheritdoc />
    public override void Finish()
    {
        try
        {
            Writer.Flush();
        }
        catch (Exception e) when (IsGone(e))
        {
            // As CPython's finish: a client that left cannot take the rest; that is not an error of the handler.
        }
        finally
        {
            if (Stream is NetworkStream plain)
            {
                plain.Dispose();
            }
        }
    }

    private protected override async ValueTask BeforeFinishAsync()
    {
        try
        {
            await Writer.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (IsGone(e) || e is TimeoutException)
        {
            // As in Finish.
        }
    }

    private static bool IsGone(Exception e) => e is IOException or SocketException or ObjectDisposedException;
}
