// Thread posts: on a page typed forum, the blocks of the thread's repeated
// post bodies, which are kept whatever the block model scores each reply.
//
// A thread is not an article with comments: its replies are its content. The
// block model, trained mostly on articles whose comments are not content,
// scores late replies low (WCXB's threads: 0.1-0.4 against the forum
// threshold of 0.5), so a thread lost all but its opening post.
#pragma once

#include <cstdint>
#include <vector>

#include "stages/extract/block_features.h"
#include "stages/extract/page_type.h"

namespace textmill {

// Per block, 1 if it is one of the thread's posts: on a page typed forum, a
// group (blocks laid out alike) of at least three blocks of ten words or more
// on average, of prose (little link text, few digits), one of which scores at
// least half the page's block threshold; not a signature, not mostly a link.
// `scores`: the block model's score of each block.
std::vector<uint8_t> ThreadPosts(const PageBlocks& blocks, const std::vector<float>& scores, const PageType& page_type);

}  // namespace textmill
