// Generates gradient.jpg (96x64, quality 85) with libjpeg: gcc make-gradient-jpeg.c -ljpeg && ./a.out
// (writes restgate-test.jpg; rename it). Kept so the test image has a known origin.
#include <stdio.h>
#include <jpeglib.h>
int main(void){
  struct jpeg_compress_struct c; struct jpeg_error_mgr e;
  c.err=jpeg_std_error(&e); jpeg_create_compress(&c);
  FILE*f=fopen("restgate-test.jpg","wb"); jpeg_stdio_dest(&c,f);
  c.image_width=96; c.image_height=64; c.input_components=3; c.in_color_space=JCS_RGB;
  jpeg_set_defaults(&c); jpeg_set_quality(&c,85,TRUE); jpeg_start_compress(&c,TRUE);
  unsigned char row[96*3];
  while(c.next_scanline<c.image_height){int y=c.next_scanline;
    for(int x=0;x<96;x++){row[x*3]=x*255/95;row[x*3+1]=y*255/63;row[x*3+2]=((x/8+y/8)%2)?200:40;}
    JSAMPROW r=row; jpeg_write_scanlines(&c,&r,1);}
  jpeg_finish_compress(&c); fclose(f); return 0;}
