namespace SocketServer.Internal;

/// <summary>Something kept in a <see cref="SlotTable{T}"/>: it carries the token it was registered with.</summary>
internal interface ISlotted
{
    ulong Token { get; }
}
