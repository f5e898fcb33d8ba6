namespace SocketServer.Connections;

/// <summary>
/// The input and output buffers of one connection while it has bytes in flight: received bytes the session has
/// not consumed, and replies not yet sent. Lent by a <see cref="ConnectionBuffersPool"/>.
/// </summary>
internal sealed class ConnectionBuffers
{
    // A buffer grown past these (a long message, a LIST reply's chunk of the output budget) is replaced when it
    // comes back, so the pool does not keep what one unusual connection needed.
    private const int RetainedInput = 64 * 1024;
    private const int RetainedOutput = 256 * 1024;

    public InputBuffer Input { get; private set; } = new();

    public OutputBuffer Output { get; } = new(RetainedOutput);

    /// <summary>Empties both buffers so another connection can take them.</summary>
    public void Reset()
    {
        Input.Clear();
        if (Input.Capacity > RetainedInput)
        {
            Input = new InputBuffer();
        }

        Output.Clear();
    }
}
