namespace SocketServer.Sessions;

/// <summary>What a stalled connection holds.</summary>
/// <param name="UnconsumedBytes">Bytes received that the session has not consumed: an unfinished message.</param>
/// <param name="UnsentBytes">Reply bytes written and not yet taken by the client.</param>
public readonly record struct ConnectionStall(int UnconsumedBytes, int UnsentBytes);
