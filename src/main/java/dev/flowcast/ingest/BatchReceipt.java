package dev.flowcast.ingest;

import java.util.List;

/**
 * What a publisher learns of a batch it handed over.
 *
 * @param ids        every item's id, in item order
 * @param droppedIds the ids of items an overflow policy discarded before they were numbered (all of them when
 *                   drop-newest dropped the batch); counted in {@code flowcast.events.dropped}, never delivered
 */
public record BatchReceipt(List<String> ids, List<String> droppedIds) {
}
