namespace SharedList.Protocol;

/// <summary>What <see cref="MessageFramer.TryReadMessage"/> found at the front of the input.</summary>
public enum FrameStatus
{
    /// <summary>No complete message yet: keep the input and wait for more bytes.</summary>
    Incomplete,

    /// <summary>A message was taken off the front of the input.</summary>
    Message,

    /// <summary>
    /// The next message is over the size limit. The stream cannot be resynchronised without buffering
    /// the rest of it, so the caller should report the error and close.
    /// </summary>
    TooLong,
}
