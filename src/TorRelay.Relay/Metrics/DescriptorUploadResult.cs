namespace TorRelay.Relay.Metrics;

/// <summary>The "result" label of torrelay_descriptor_uploads_total: how one upload to one authority ended.</summary>
public enum DescriptorUploadResult
{
    /// <summary>"accepted": HTTP 200 (which does not yet mean listed).</summary>
    Accepted,
    /// <summary>"rejected": the authority answered with an error status (4xx: it read and refused the descriptor).</summary>
    Rejected,
    /// <summary>"failed": no answer or a server error after all retries.</summary>
    Failed,
}
